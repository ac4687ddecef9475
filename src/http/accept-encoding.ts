// Content-coding negotiation (RFC 9110 12.5.3): the client's Accept-Encoding with q-values against
// the codings a document is available in. Pure; the fast path for published documents uses it.

export type ContentCoding = 'br' | 'gzip' | 'identity';

/** Entries past this many are not read (a real browser sends three or four). */
const MAX_ENTRIES = 16;
const QVALUE = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/** coding → q from an Accept-Encoding header; a malformed q-value counts as 0 (not acceptable). */
function qualities(header: string): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const entry of header.split(',', MAX_ENTRIES)) {
    const [name = '', ...parameters] = entry.split(';').map((part) => part.trim());
    if (!name) continue;
    const q = parameters.find((parameter) => /^q=/i.test(parameter));
    const value = q === undefined ? 1 : QVALUE.test(q) ? Number(q.slice(2)) : 0;
    const coding = name.toLowerCase() === 'x-gzip' ? 'gzip' : name.toLowerCase();
    if (!accepted.has(coding)) accepted.set(coding, value);
  }
  return accepted;
}

/**
 * The coding to answer with: the acceptable one (q > 0) the client rates highest among `available`
 * (the server's order of preference on a tie), unless the client rates identity explicitly higher.
 * Identity, never compressed, is also the answer when nothing else is acceptable: no header, or
 * every coding refused (a 406 would help no one fetching metadata).
 */
export function chooseCoding(header: string | undefined, available: readonly Exclude<ContentCoding, 'identity'>[]): ContentCoding {
  if (!header) return 'identity';
  const accepted = qualities(header);
  const wildcard = accepted.get('*') ?? 0;
  let best: ContentCoding = 'identity';
  let bestQuality = accepted.get('identity') ?? 0;
  for (const coding of available) {
    const quality = accepted.get(coding) ?? wildcard;
    if (quality > 0 && (quality > bestQuality || (quality === bestQuality && best === 'identity'))) {
      best = coding;
      bestQuality = quality;
    }
  }
  return best;
}
