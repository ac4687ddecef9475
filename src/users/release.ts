// What a user's profile releases to an application: for SAML attributes (addons.samlp.mappings) and
// WS-Fed claims alike, profile field → attribute name or claim type URI.

/**
 * Every XML parser turns CR LF and lone CR into LF (XML 1.0 section 2.11), and xmlbuilder2 writes CR
 * unescaped; normalizing first makes the bytes we sign the bytes every verifier reads.
 */
export function normalizeLineEnds(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}

/** [name, value] for each mapped profile field with a non-empty value, in mapping order. */
export function releasedValues(mappings: Readonly<Record<string, string>>, profile: Record<string, string>): Array<[string, string]> {
  const released: Array<[string, string]> = [];
  for (const [field, name] of Object.entries(mappings)) {
    const value = Object.hasOwn(profile, field) ? profile[field] : undefined;
    if (value) released.push([name, normalizeLineEnds(value)]);
  }
  return released;
}
