// WS-Federation 1.2 federation metadata (section 3.1): a SAML 2.0 md:EntityDescriptor whose role
// descriptors serve both kinds of relying parties:
//  - WIF/OWIN-era libraries read RoleDescriptor xsi:type="fed:SecurityTokenServiceType" (3.1.2.2),
//    and some ADFS-era ones fed:ApplicationServiceType (3.1.2.3);
//  - SAML-based SPs with WS-Fed support read an IDPSSODescriptor naming the passive protocol.
// Child order follows the schemas: RoleDescriptorType's KeyDescriptor* first, then (WebServiceDescriptorType)
// TokenTypesOffered?, ClaimTypesOffered?, then the type's endpoints; in IDPSSODescriptorType
// KeyDescriptor*, SingleLogoutService*, NameIDFormat*, SingleSignOnService+. Signed like IdP metadata.
import { create } from 'xmlbuilder2';
import type { PublishedKey } from '../keys/formats.js';
import { NAMEID_FORMATS, NS } from '../xml/namespaces.js';
import { END_OPTIONS, type XmlNode } from '../saml/assertion.js';
import { assertSamlId } from '../saml/ids.js';
import { signIdpMetadata } from '../saml/metadata.js';
import type { XmlSigningKey } from '../xml/sign.js';
import type { ClaimDescription } from './claims.js';
import { TOKEN_TYPES, WSFED_NS } from './namespaces.js';

export interface FederationMetadataInput {
  entityId: string;
  /** The EntityDescriptor's ID, which the signature references. */
  id: string;
  /** One signing KeyDescriptor each, in the order given (current, next, unrevoked previous). */
  keys: Array<Pick<PublishedKey, 'kid' | 'certBase64'>>;
  /** The passive requestor endpoint (/wsfed or /wsfed/:client_id): sign-in and sign-out. */
  endpointUrl: string;
  claims: ClaimDescription[];
  validUntil: Date;
  cacheDurationSeconds: number;
}

/** Exactly the token types fedmeta issues (addons.wsfed.tokenFormat saml11 or saml20). */
export const OFFERED_TOKEN_TYPES: readonly string[] = [TOKEN_TYPES.saml11, TOKEN_TYPES.saml20];

export function buildFederationMetadata(input: FederationMetadataInput): string {
  if (!Number.isSafeInteger(input.cacheDurationSeconds) || input.cacheDurationSeconds < 0) {
    throw new Error(`cacheDurationSeconds must be a non-negative integer, got ${input.cacheDurationSeconds}`);
  }
  assertSamlId(input.id, 'metadata ID');
  const root = create()
    .ele(NS.md, 'md:EntityDescriptor')
    .att(NS.xmlns, 'xmlns:ds', NS.ds)
    .att(NS.xmlns, 'xmlns:xsi', NS.xsi)
    .att(NS.xmlns, 'xmlns:fed', NS.fed)
    .att(NS.xmlns, 'xmlns:auth', WSFED_NS.auth)
    .att(NS.xmlns, 'xmlns:wsa', NS.wsa)
    .att('entityID', input.entityId)
    .att('ID', input.id)
    .att('validUntil', input.validUntil.toISOString())
    .att('cacheDuration', `PT${input.cacheDurationSeconds}S`);

  const sts = roleDescriptor(root, 'fed:SecurityTokenServiceType', input);
  const offered = sts.ele(NS.fed, 'fed:TokenTypesOffered');
  for (const uri of OFFERED_TOKEN_TYPES) offered.ele(NS.fed, 'fed:TokenType', { Uri: uri });
  const claims = sts.ele(NS.fed, 'fed:ClaimTypesOffered');
  for (const claim of input.claims) {
    const type = claims.ele(WSFED_NS.auth, 'auth:ClaimType', { Uri: claim.uri, Optional: 'true' });
    type.ele(WSFED_NS.auth, 'auth:DisplayName').txt(claim.displayName);
    type.ele(WSFED_NS.auth, 'auth:Description').txt(claim.description);
  }
  endpoint(sts, 'fed:SecurityTokenServiceEndpoint', input.endpointUrl);
  endpoint(sts, 'fed:PassiveRequestorEndpoint', input.endpointUrl);

  const application = roleDescriptor(root, 'fed:ApplicationServiceType', input);
  endpoint(application, 'fed:ApplicationServiceEndpoint', input.endpointUrl);
  endpoint(application, 'fed:PassiveRequestorEndpoint', input.endpointUrl);

  const idp = root.ele(NS.md, 'md:IDPSSODescriptor', { protocolSupportEnumeration: WSFED_NS.passiveProtocol });
  keyDescriptors(idp, input.keys);
  idp.ele(NS.md, 'md:SingleLogoutService', { Binding: WSFED_NS.passiveProtocol, Location: input.endpointUrl });
  idp.ele(NS.md, 'md:NameIDFormat').txt(NAMEID_FORMATS.unspecified);
  idp.ele(NS.md, 'md:SingleSignOnService', { Binding: WSFED_NS.passiveProtocol, Location: input.endpointUrl });
  return root.end(END_OPTIONS);
}

/**
 * Enveloped rsa-sha256 signature by the current key, first in the EntityDescriptor (the one signing
 * path). `fed` and `xsi` appear only inside xsi:type values, which exc-c14n does not count as use:
 * listed as InclusiveNamespaces, their bindings are signed too, so nobody can re-point fed: unnoticed.
 */
export function signFederationMetadata(xml: string, key: XmlSigningKey): string {
  return signIdpMetadata(xml, key, ['fed', 'xsi']);
}

function roleDescriptor(root: XmlNode, type: string, input: FederationMetadataInput): XmlNode {
  const role = root
    .ele(NS.md, 'md:RoleDescriptor')
    .att(NS.xsi, 'xsi:type', type)
    .att('protocolSupportEnumeration', NS.fed);
  keyDescriptors(role, input.keys);
  return role;
}

function keyDescriptors(parent: XmlNode, keys: FederationMetadataInput['keys']): void {
  for (const key of keys) {
    const keyInfo = parent.ele(NS.md, 'md:KeyDescriptor', { use: 'signing' }).ele(NS.ds, 'ds:KeyInfo');
    keyInfo.ele(NS.ds, 'ds:KeyName').txt(key.kid);
    keyInfo.ele(NS.ds, 'ds:X509Data').ele(NS.ds, 'ds:X509Certificate').txt(key.certBase64);
  }
}

/** A fed endpoint is a WS-Addressing EndpointReference (WS-Federation 1.2 section 3.1.2). */
function endpoint(parent: XmlNode, name: string, address: string): void {
  parent.ele(NS.fed, name).ele(NS.wsa, 'wsa:EndpointReference').ele(NS.wsa, 'wsa:Address').txt(address);
}
