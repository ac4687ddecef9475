// SAML 2.0 IdP metadata (OASIS saml-metadata-2.0-os): a pure function from typed input to XML, and
// its enveloped signature. Child order follows the schema: in SSODescriptorType ds:Signature,
// KeyDescriptor*, SingleLogoutService*, NameIDFormat*; then IDPSSODescriptorType's SingleSignOnService+.
import { create } from 'xmlbuilder2';
import type { PublishedKey } from '../keys/formats.js';
import { BINDINGS, NAMEID_FORMATS, NS, elementPath } from '../xml/namespaces.js';
import { signXml, type XmlSigningKey } from '../xml/sign.js';

export interface IdpMetadataInput {
  entityId: string;
  /** One signing KeyDescriptor each, in the order given (current, next, unrevoked previous). */
  keys: Array<Pick<PublishedKey, 'kid' | 'certBase64'>>;
  ssoUrl: string;
  sloUrl: string;
  validUntil: Date;
  cacheDurationSeconds: number;
  nameIdFormats?: string[];
  /** The EntityDescriptor's ID, which the signature references. */
  id: string;
}

export const DEFAULT_NAMEID_FORMATS: readonly string[] = [
  NAMEID_FORMATS.emailAddress,
  NAMEID_FORMATS.persistent,
  NAMEID_FORMATS.transient,
  NAMEID_FORMATS.unspecified,
];

const ENTITY_DESCRIPTOR = elementPath([NS.md, 'EntityDescriptor']);

export function buildIdpMetadata(input: IdpMetadataInput): string {
  if (!Number.isSafeInteger(input.cacheDurationSeconds) || input.cacheDurationSeconds < 0) {
    throw new Error(`cacheDurationSeconds must be a non-negative integer, got ${input.cacheDurationSeconds}`);
  }
  // xs:ID is an NCName; anything else would make the document invalid and the reference unusable.
  if (!/^[A-Za-z_][\w.-]*$/.test(input.id)) throw new Error(`metadata ID ${input.id} is not an NCName`);

  const root = create()
    .ele(NS.md, 'md:EntityDescriptor')
    .att(NS.xmlns, 'xmlns:ds', NS.ds)
    .att('entityID', input.entityId)
    .att('ID', input.id)
    .att('validUntil', input.validUntil.toISOString())
    .att('cacheDuration', `PT${input.cacheDurationSeconds}S`);

  const idp = root.ele(NS.md, 'md:IDPSSODescriptor', {
    protocolSupportEnumeration: NS.samlp,
    WantAuthnRequestsSigned: 'false',
  });
  for (const key of input.keys) {
    const keyInfo = idp.ele(NS.md, 'md:KeyDescriptor', { use: 'signing' }).ele(NS.ds, 'ds:KeyInfo');
    keyInfo.ele(NS.ds, 'ds:KeyName').txt(key.kid);
    keyInfo.ele(NS.ds, 'ds:X509Data').ele(NS.ds, 'ds:X509Certificate').txt(key.certBase64);
  }
  for (const binding of [BINDINGS.httpRedirect, BINDINGS.httpPost]) {
    idp.ele(NS.md, 'md:SingleLogoutService', { Binding: binding, Location: input.sloUrl });
  }
  for (const format of input.nameIdFormats ?? DEFAULT_NAMEID_FORMATS) {
    idp.ele(NS.md, 'md:NameIDFormat').txt(format);
  }
  for (const binding of [BINDINGS.httpRedirect, BINDINGS.httpPost]) {
    idp.ele(NS.md, 'md:SingleSignOnService', { Binding: binding, Location: input.ssoUrl });
  }
  return root.end({ headless: true, prettyPrint: false });
}

/** Enveloped rsa-sha256 signature as the EntityDescriptor's first child (metadata has no Issuer). */
export function signIdpMetadata(xml: string, signingKey: XmlSigningKey, inclusiveNamespaces?: string[]): string {
  return signXml(xml, {
    key: signingKey,
    reference: { xpath: ENTITY_DESCRIPTOR, ...(inclusiveNamespaces ? { inclusiveNamespaces } : {}) },
    location: { reference: ENTITY_DESCRIPTOR, action: 'prepend' },
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
  });
}
