// Namespace and identifier URIs of WS-Federation 1.2 passive requestor messages and their metadata,
// beside the shared ones in src/xml/namespaces.ts (NS.fed, NS.wsa, NS.saml1, NS.md …).

export const WSFED_NS = {
  /** WS-Federation 1.2 section 9.2: claim type descriptions (auth:ClaimType). */
  auth: 'http://docs.oasis-open.org/wsfed/authorization/200706',
  /** WS-Trust February 2005, the RSTR namespace WS-Fed passive relying parties (WIF, OWIN, ADFS) read. */
  trust: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  /** The WS-Fed passive protocol as SAML metadata names it (protocolSupportEnumeration and Binding). */
  passiveProtocol: 'http://schemas.xmlsoap.org/ws/2003/07/secext',
} as const;

/** The token types fedmeta issues: the RSTR's t:TokenType and metadata's fed:TokenTypesOffered. */
export const TOKEN_TYPES = {
  saml11: 'urn:oasis:names:tc:SAML:1.0:assertion',
  saml20: 'urn:oasis:names:tc:SAML:2.0:assertion',
} as const;

export const REQUEST_TYPE_ISSUE = `${WSFED_NS.trust}/Issue`;
/** A bearer token: no proof key (the February 2005 value; WS-Trust 1.3 calls it .../Bearer). */
export const KEY_TYPE_BEARER = 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey';

export const WSFED_ACTIONS = ['wsignin1.0', 'wsignout1.0', 'wsignoutcleanup1.0'] as const;
export type WsfedAction = (typeof WSFED_ACTIONS)[number];
