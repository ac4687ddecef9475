// Namespace and algorithm URIs used by the XML documents fedmeta signs, publishes and reads.

export const NS = {
  /** SAML 2.0 metadata (saml-metadata-2.0-os). */
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  /** SAML 2.0 assertion. */
  saml: 'urn:oasis:names:tc:SAML:2.0:assertion',
  /** SAML 2.0 protocol; also the value of protocolSupportEnumeration. */
  samlp: 'urn:oasis:names:tc:SAML:2.0:protocol',
  /** SAML 1.1 assertion (WS-Fed tokens). */
  saml1: 'urn:oasis:names:tc:SAML:1.0:assertion',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  fed: 'http://docs.oasis-open.org/wsfed/federation/200706',
  wsa: 'http://www.w3.org/2005/08/addressing',
  xmlns: 'http://www.w3.org/2000/xmlns/',
} as const;

export const ALGORITHMS = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  envelopedSignature: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
} as const;

export type SignatureAlgorithmName = 'rsa-sha256' | 'rsa-sha1';
export type DigestAlgorithmName = 'sha256' | 'sha1';

/** The names applications use (Auth0's addons.samlp.signatureAlgorithm / digestAlgorithm) to URIs. */
export const SIGNATURE_ALGORITHMS: Record<SignatureAlgorithmName, string> = {
  'rsa-sha256': ALGORITHMS.rsaSha256,
  'rsa-sha1': ALGORITHMS.rsaSha1,
};
export const DIGEST_ALGORITHMS: Record<DigestAlgorithmName, string> = {
  sha256: ALGORITHMS.sha256,
  sha1: ALGORITHMS.sha1,
};

export const BINDINGS = {
  httpRedirect: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect',
  httpPost: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
} as const;

/** The WS-* identity claim URIs released by default: user profile field → attribute (claim) name. */
export const DEFAULT_SAML_MAPPINGS: Readonly<Record<string, string>> = {
  user_id: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier',
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
};

export const NAMEID_FORMATS = {
  emailAddress: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
  unspecified: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
  persistent: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent',
  transient: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient',
} as const;

/**
 * An absolute XPath selecting elements by namespace URI and local name, one step per pair,
 * e.g. elementPath([NS.samlp, 'Response'], [NS.saml, 'Issuer']). Prefix-independent, so it needs no
 * namespace resolver.
 */
export function elementPath(...steps: Array<readonly [namespace: string, localName: string]>): string {
  if (steps.some((step) => step.join('').includes("'"))) throw new Error('elementPath: quote in a step');
  return steps
    .map(([namespace, localName]) => `/*[local-name()='${localName}' and namespace-uri()='${namespace}']`)
    .join('');
}
