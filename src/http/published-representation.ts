// A published document as the exact bytes and header lines of each response the fast path can give:
// identity, gzip or brotli, 200 or 304, for one max-age. Built once per document (so once per
// key-set version) and max-age; a request only picks one and writes it.
import type { PublishedDocument } from '../published/document.js';
import { encodedForms } from '../published/encoded-forms.js';
import type { ContentCoding } from './accept-encoding.js';
import { SECURITY_HEADERS } from './security-headers.js';

export interface Representation {
  body: Buffer;
  etag: string;
  /** Flat [name, value, …] lists for res.writeHead, in the order Koa sends the same headers. */
  ok: string[];
  notModified: string[];
}

export interface Representations {
  /** Compressed codings this document has, in the server's order of preference. */
  codings: ('br' | 'gzip')[];
  of(coding: ContentCoding): Representation;
}

const SECURITY = Object.entries(SECURITY_HEADERS).flat();

/** A distinct strong ETag per coding (RFC 9110 8.8.3: each representation has its own). */
const etagFor = (etag: string, coding: ContentCoding) => (coding === 'identity' ? etag : `${etag.slice(0, -1)}-${coding}"`);

function representation(doc: PublishedDocument, maxAgeSeconds: number, coding: ContentCoding, body: Buffer): Representation {
  const etag = etagFor(doc.etag, coding);
  const caching = [
    ...SECURITY,
    ...Object.entries(doc.headers).flat(),
    'ETag', etag,
    'Cache-Control', `public, max-age=${maxAgeSeconds}`,
    'Access-Control-Allow-Origin', '*',
    'Vary', 'Accept-Encoding',
  ];
  const encoding = coding === 'identity' ? [] : ['Content-Encoding', coding];
  return { body, etag, ok: [...caching, 'Content-Type', doc.contentType, ...encoding, 'Content-Length', String(body.length)], notModified: caching };
}

const cache = new WeakMap<PublishedDocument, Map<number, Representations>>();

function build(doc: PublishedDocument, maxAgeSeconds: number): Representations {
  const forms = encodedForms(doc);
  const byCoding = new Map<ContentCoding, Representation>([['identity', representation(doc, maxAgeSeconds, 'identity', doc.body)]]);
  if (forms.br) byCoding.set('br', representation(doc, maxAgeSeconds, 'br', forms.br));
  if (forms.gzip) byCoding.set('gzip', representation(doc, maxAgeSeconds, 'gzip', forms.gzip));
  const codings = (['br', 'gzip'] as const).filter((coding) => byCoding.has(coding));
  return { codings, of: (coding) => byCoding.get(coding) ?? byCoding.get('identity')! };
}

export function representationsOf(doc: PublishedDocument, maxAgeSeconds: number): Representations {
  let byMaxAge = cache.get(doc);
  if (!byMaxAge) cache.set(doc, (byMaxAge = new Map()));
  let found = byMaxAge.get(maxAgeSeconds);
  if (!found) byMaxAge.set(maxAgeSeconds, (found = build(doc, maxAgeSeconds)));
  return found;
}

/** Whether the responses of `doc` are already prepared (for tests of the preparation on a key change). */
export const hasRepresentations = (doc: PublishedDocument): boolean => cache.has(doc);
