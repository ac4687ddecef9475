// WS-Federation 1.2 federation metadata (section 3.1): a SAML 2.0 md:EntityDescriptor whose role
// descriptors serve both kinds of relying parties:
//  - WIF/OWIN-era libraries read RoleDescriptor xsi:type="fed:SecurityTokenServiceType" (3.1.2.2),
//    and some ADFS-era ones fed:ApplicationServiceType (3.1.2.3);
//  - SAML-based SPs with WS-Fed support read an IDPSSODescriptor naming the passive protocol.
// Child order follows the schemas: RoleDescriptorType's KeyDescriptor* first, then (WebServiceDescriptorType)
// TokenTypesOffered?, ClaimTypesOffered?, then the type's endpoints; in IDPSSODescriptorType
// KeyDescriptor*, SingleLogoutService*, NameIDFormat*, SingleSignOnService+. Signed like IdP metadata.
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlElement } from '../xml/nodes.js';
import { NAMEID_FORMATS, NS } from '../xml/namespaces.js';
import { assertSamlId } from '../saml/ids.js';
import { checkMetadataHeader, entityDescriptor, keyDescriptors, md, signIdpMetadata } from '../saml/metadata.js';
import type { XmlSigningKey } from '../xml/sign.js';
import type { XmlSigner } from '../xml/signer.js';
import type { ClaimDescription } from './claims.js';
import { TOKEN_TYPES, WSFED_NS } from './namespaces.js';

export interface FederationMetadataInput {
  entityId: string;
  /** The EntityDescriptor's ID, which the signature references. */
  id: string;
  /** One signing KeyDescriptor each, in the order given (current, next, unrevoked previous). */
  keys: ReadonlyArray<{ kid: string; certBase64: string }>;
  /** The passive requestor endpoint (/wsfed or /wsfed/:client_id): sign-in and sign-out. */
  endpointUrl: string;
  claims: ClaimDescription[];
  validUntil: Date;
  cacheDurationSeconds: number;
}

/** Exactly the token types fedmeta issues (addons.wsfed.tokenFormat saml11 or saml20). */
export const OFFERED_TOKEN_TYPES: readonly string[] = [TOKEN_TYPES.saml11, TOKEN_TYPES.saml20];

/**
 * `fed` and `xsi` appear only inside xsi:type values, which exc-c14n does not count as use: listed
 * as InclusiveNamespaces, their bindings are signed too, so nobody can re-point fed: unnoticed.
 */
const METADATA_PREFIXES = ['fed', 'xsi'];

export function buildFederationMetadata(input: FederationMetadataInput): string {
  return canonicalize(federationMetadataElement(input), { inclusivePrefixes: METADATA_PREFIXES });
}

export function federationMetadataElement(input: FederationMetadataInput): XmlElement {
  checkMetadataHeader(input);
  assertSamlId(input.id, 'metadata ID');
  const claims = input.claims.map((claim) =>
    element(WSFED_NS.auth, 'auth:ClaimType', { Uri: claim.uri, Optional: 'true' }, [
      element(WSFED_NS.auth, 'auth:DisplayName', {}, [claim.displayName]),
      element(WSFED_NS.auth, 'auth:Description', {}, [claim.description]),
    ]),
  );
  const sts = roleDescriptor('fed:SecurityTokenServiceType', input, [
    fed('TokenTypesOffered', {}, OFFERED_TOKEN_TYPES.map((uri) => fed('TokenType', { Uri: uri }))),
    fed('ClaimTypesOffered', {}, claims),
    endpoint('SecurityTokenServiceEndpoint', input.endpointUrl),
    endpoint('PassiveRequestorEndpoint', input.endpointUrl),
  ]);
  const application = roleDescriptor('fed:ApplicationServiceType', input, [
    endpoint('ApplicationServiceEndpoint', input.endpointUrl),
    endpoint('PassiveRequestorEndpoint', input.endpointUrl),
  ]);
  const passive = { Binding: WSFED_NS.passiveProtocol, Location: input.endpointUrl };
  const idp = md('IDPSSODescriptor', { protocolSupportEnumeration: WSFED_NS.passiveProtocol }, [
    ...keyDescriptors(input.keys),
    md('SingleLogoutService', passive),
    md('NameIDFormat', {}, [NAMEID_FORMATS.unspecified]),
    md('SingleSignOnService', passive),
  ]);
  const root = entityDescriptor(input, [sts, application, idp]);
  return { name: root.name, ns: root.ns, declarations: { ds: NS.ds, xsi: NS.xsi, fed: NS.fed, auth: WSFED_NS.auth, wsa: NS.wsa }, attributes: root.attributes, children: root.children };
}

/** Enveloped rsa-sha256 signature by the current key, first in the EntityDescriptor (the one signing path). */
export function signFederationMetadata(metadata: XmlElement, key: XmlSigningKey | XmlSigner): string {
  return signIdpMetadata(metadata, key, METADATA_PREFIXES);
}

function roleDescriptor(type: string, input: FederationMetadataInput, children: XmlElement[]): XmlElement {
  const role = md('RoleDescriptor', { protocolSupportEnumeration: NS.fed }, [...keyDescriptors(input.keys), ...children]);
  return { ...role, attributes: [{ name: 'xsi:type', ns: NS.xsi, value: type }, ...role.attributes] };
}

function fed(name: string, attributes: Record<string, string> = {}, children: XmlElement[] = []): XmlElement {
  return element(NS.fed, `fed:${name}`, attributes, children);
}

/** A fed endpoint is a WS-Addressing EndpointReference (WS-Federation 1.2 section 3.1.2). */
function endpoint(name: string, address: string): XmlElement {
  return fed(name, {}, [element(NS.wsa, 'wsa:EndpointReference', {}, [element(NS.wsa, 'wsa:Address', {}, [address])])]);
}
