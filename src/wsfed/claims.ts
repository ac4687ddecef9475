// The claims a WS-Fed token carries: user profile field → claim type URI, the idea of an
// application's mappings (addons.samlp.mappings) with the claims WIF-era relying parties expect.
import { DEFAULT_SAML_MAPPINGS } from '../xml/namespaces.js';
import { releasedValues } from '../saml/assertion.js';

export interface ClaimDescription {
  uri: string;
  displayName: string;
  description: string;
}

/** Profile field → claim type: nameidentifier, emailaddress and name (identity/claims 2005/05). */
export const WSFED_CLAIM_MAPPINGS: Readonly<Record<string, string>> = DEFAULT_SAML_MAPPINGS;

const DESCRIPTIONS: Record<string, Omit<ClaimDescription, 'uri'>> = {
  user_id: { displayName: 'Name ID', description: 'The unique identifier of the user' },
  email: { displayName: 'E-Mail Address', description: 'The e-mail address of the user' },
  name: { displayName: 'Name', description: 'The display name of the user' },
};

/** fed:ClaimTypesOffered: one description per claim type the mappings can release. */
export function offeredClaims(mappings: Readonly<Record<string, string>> = WSFED_CLAIM_MAPPINGS): ClaimDescription[] {
  return Object.entries(mappings).map(([field, uri]) => ({
    uri,
    ...(DESCRIPTIONS[field] ?? { displayName: field, description: `The ${field} of the user` }),
  }));
}

/** [claim type, value] for each mapped profile field with a non-empty value, in mapping order. */
export function releasedClaims(profile: Record<string, string>, mappings: Readonly<Record<string, string>> = WSFED_CLAIM_MAPPINGS): Array<[string, string]> {
  return releasedValues(mappings, profile);
}

/**
 * A claim type as SAML 1.1 AttributeNamespace + AttributeName, split at the last '/' as WIF's
 * Saml11SecurityTokenHandler and ADFS do (they join them back with '/'); anything else is refused.
 */
export function splitClaimType(uri: string): { namespace: string; name: string } {
  const slash = uri.lastIndexOf('/');
  if (slash <= 0 || slash === uri.length - 1) throw new Error(`claim type ${uri} has no namespace/name form for SAML 1.1`);
  return { namespace: uri.slice(0, slash), name: uri.slice(slash + 1) };
}
