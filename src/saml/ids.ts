// Checks and timestamps of the SAML messages fedmeta issues (fresh IDs come from Ids.samlId()).

/** xs:ID is an NCName; anything else makes the document invalid and the signature reference unusable. */
export function assertSamlId(id: string, what = 'ID'): void {
  if (!/^[A-Za-z_][\w.-]*$/.test(id)) throw new Error(`${what} ${JSON.stringify(id)} is not an NCName`);
}

/**
 * xs:dateTime in UTC with a Z and whole seconds (SAML core 1.3.3: no time zone other than UTC, and
 * relying parties SHOULD NOT rely on sub-second precision), e.g. 2030-01-02T03:04:05Z.
 */
export function xsDateTime(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new Error('xsDateTime: invalid date');
  // Every message carries the same few instants (now, now + lifetime, the sign-in's): remembered per
  // second, as toISOString + replace cost a sign-in about 4 µs.
  const second = Math.floor(time / 1000);
  const slot = second & (REMEMBERED - 1);
  if (rememberedSeconds[slot] === second) return rememberedTexts[slot]!;
  const year = date.getUTCFullYear();
  const text =
    year >= 1000 && year <= 9999
      ? `${year}-${twoDigits(date.getUTCMonth() + 1)}-${twoDigits(date.getUTCDate())}T${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:${twoDigits(date.getUTCSeconds())}Z`
      : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  rememberedSeconds[slot] = second;
  rememberedTexts[slot] = text;
  return text;
}

const REMEMBERED = 8;
const rememberedSeconds = new Float64Array(REMEMBERED).fill(Number.NaN);
const rememberedTexts: string[] = new Array<string>(REMEMBERED).fill('');

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

/** `date` plus whole seconds. */
export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
