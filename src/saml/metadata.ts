// SAML 2.0 IdP metadata (OASIS saml-metadata-2.0-os): a pure function from typed input to XML, and
// its enveloped signature. Child order follows the schema: in SSODescriptorType ds:Signature,
// KeyDescriptor*, SingleLogoutService*, NameIDFormat*; then IDPSSODescriptorType's SingleSignOnService+.
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlElement } from '../xml/nodes.js';
import { BINDINGS, NAMEID_FORMATS, NS } from '../xml/namespaces.js';
import type { XmlSigningKey } from '../xml/sign.js';
import { signDocument, signerOf, type XmlSigner } from '../xml/signer.js';

export interface IdpMetadataInput {
  entityId: string;
  /** One signing KeyDescriptor each, in the order given (current, next, unrevoked previous). */
  keys: ReadonlyArray<{ kid: string; certBase64: string }>;
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

export function buildIdpMetadata(input: IdpMetadataInput): string {
  return canonicalize(idpMetadataElement(input));
}

export function idpMetadataElement(input: IdpMetadataInput): XmlElement {
  checkMetadataHeader(input);
  const idp = md('IDPSSODescriptor', { protocolSupportEnumeration: NS.samlp, WantAuthnRequestsSigned: 'false' }, [
    ...keyDescriptors(input.keys),
    ...[BINDINGS.httpRedirect, BINDINGS.httpPost].map((Binding) => md('SingleLogoutService', { Binding, Location: input.sloUrl })),
    ...(input.nameIdFormats ?? DEFAULT_NAMEID_FORMATS).map((format) => md('NameIDFormat', {}, [format])),
    ...[BINDINGS.httpRedirect, BINDINGS.httpPost].map((Binding) => md('SingleSignOnService', { Binding, Location: input.ssoUrl })),
  ]);
  return entityDescriptor(input, [idp]);
}

/** The EntityDescriptor's checks: a usable ID and cache duration. */
export function checkMetadataHeader(input: { id: string; cacheDurationSeconds: number }): void {
  if (!Number.isSafeInteger(input.cacheDurationSeconds) || input.cacheDurationSeconds < 0) {
    throw new Error(`cacheDurationSeconds must be a non-negative integer, got ${input.cacheDurationSeconds}`);
  }
  // xs:ID is an NCName; anything else would make the document invalid and the reference unusable.
  if (!/^[A-Za-z_][\w.-]*$/.test(input.id)) throw new Error(`metadata ID ${input.id} is not an NCName`);
}

/** md:EntityDescriptor with its signed-metadata attributes around the role descriptors. */
export function entityDescriptor(
  input: Pick<IdpMetadataInput, 'entityId' | 'id' | 'validUntil' | 'cacheDurationSeconds'>,
  children: XmlElement[],
): XmlElement {
  const attributes = { entityID: input.entityId, ID: input.id, validUntil: input.validUntil.toISOString(), cacheDuration: `PT${input.cacheDurationSeconds}S` };
  return md('EntityDescriptor', attributes, children);
}

/** One signing md:KeyDescriptor per key: ds:KeyName (the kid) and the certificate. */
export function keyDescriptors(keys: IdpMetadataInput['keys']): XmlElement[] {
  const ds = (name: string, children: Array<XmlElement | string>) => element(NS.ds, `ds:${name}`, {}, children);
  return keys.map((key) =>
    md('KeyDescriptor', { use: 'signing' }, [
      ds('KeyInfo', [ds('KeyName', [key.kid]), ds('X509Data', [ds('X509Certificate', [key.certBase64])])]),
    ]),
  );
}

export function md(name: string, attributes: Record<string, string | undefined> = {}, children: Array<XmlElement | string> = []): XmlElement {
  return element(NS.md, `md:${name}`, attributes, children);
}

/**
 * Enveloped rsa-sha256 signature as the EntityDescriptor's first child (metadata has no Issuer).
 * `inclusivePrefixes`: prefixes used only inside attribute values (see signFederationMetadata).
 */
export function signIdpMetadata(metadata: XmlElement, signingKey: XmlSigningKey | XmlSigner, inclusivePrefixes?: string[]): string {
  const id = metadata.attributes.find((attribute) => attribute.name === 'ID')!.value;
  return signDocument(metadata, {
    signer: signerOf(signingKey),
    references: [{ id, position: 0 }],
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
    inclusivePrefixes,
  });
}
