// SAML status codes (SAML core 3.2.2.2) and the status a response or a refused request carries.
/** Status codes (SAML core 3.2.2.2): the four top-level ones, then second-level ones fedmeta sends. */
export const STATUS = {
  success: 'urn:oasis:names:tc:SAML:2.0:status:Success',
  requester: 'urn:oasis:names:tc:SAML:2.0:status:Requester',
  responder: 'urn:oasis:names:tc:SAML:2.0:status:Responder',
  versionMismatch: 'urn:oasis:names:tc:SAML:2.0:status:VersionMismatch',
  authnFailed: 'urn:oasis:names:tc:SAML:2.0:status:AuthnFailed',
  invalidNameIdPolicy: 'urn:oasis:names:tc:SAML:2.0:status:InvalidNameIDPolicy',
  noPassive: 'urn:oasis:names:tc:SAML:2.0:status:NoPassive',
  partialLogout: 'urn:oasis:names:tc:SAML:2.0:status:PartialLogout',
  requestDenied: 'urn:oasis:names:tc:SAML:2.0:status:RequestDenied',
  requestUnsupported: 'urn:oasis:names:tc:SAML:2.0:status:RequestUnsupported',
  unsupportedBinding: 'urn:oasis:names:tc:SAML:2.0:status:UnsupportedBinding',
} as const;

export type TopLevelStatus = (typeof STATUS)['success' | 'requester' | 'responder' | 'versionMismatch'];

export interface SamlStatus {
  code: TopLevelStatus;
  /** A second-level code, nested in the top-level StatusCode. */
  subCode?: string | undefined;
  message?: string | undefined;
}
