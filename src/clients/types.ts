// Applications (Auth0 "clients"): relying parties that fedmeta signs for.

export type SignatureAlgorithm = 'rsa-sha256' | 'rsa-sha1';
export type DigestAlgorithm = 'sha256' | 'sha1';

export interface SamlpAddon {
  /** The SP's entityID: the Audience of assertions, and how /samlp finds the application. */
  audience: string;
  /** Recipient of SubjectConfirmationData; defaults to the ACS URL the response is posted to. */
  recipient?: string | undefined;
  /** User profile field → SAML attribute name. */
  mappings: Record<string, string>;
  nameIdentifierFormat: string;
  /** false: the Assertion is signed; true: the Response is signed (and the assertion too, "both"). */
  signResponse: boolean;
  signatureAlgorithm: SignatureAlgorithm;
  digestAlgorithm: DigestAlgorithm;
  lifetimeInSeconds: number;
  /** The SP's certificate (PEM or base64 DER); when set, AuthnRequests must be signed with it. */
  signingCert?: string | undefined;
  logout?: { callback?: string | undefined } | undefined;
  /**
   * IdP-initiated (unsolicited) sign-in at GET /samlp/:client_id without a SAMLRequest. Validation
   * sets it: true unless the application has a signingCert (an SP that signs its requests expects
   * only answers to them). Absent on applications stored before the setting existed: see idpInitiatedAllowed.
   */
  idpInitiated?: boolean | undefined;
}

/** Whether IdP-initiated sign-in is allowed; the default for an application without the setting. */
export function idpInitiatedAllowed(samlp: Pick<SamlpAddon, 'idpInitiated' | 'signingCert'>): boolean {
  return samlp.idpInitiated ?? !samlp.signingCert;
}

export interface WsfedAddon {
  realm: string;
  tokenFormat: 'saml11' | 'saml20';
  lifetimeInSeconds: number;
}

export interface Application {
  clientId: string;
  name: string;
  callbacks: string[];
  addons: { samlp?: SamlpAddon | undefined; wsfed?: WsfedAddon | undefined };
  createdAt: Date;
  updatedAt: Date;
}

/** user profile field → attribute name released by default (the WS-* identity claim URIs). */
export { DEFAULT_SAML_MAPPINGS } from '../xml/namespaces.js';

