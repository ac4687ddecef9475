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
  if (Number.isNaN(date.getTime())) throw new Error('xsDateTime: invalid date');
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `date` plus whole seconds. */
export function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}
