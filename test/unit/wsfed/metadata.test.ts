// Schema validation here covers what can be checked honestly with the schemas Debian ships:
//  1. the IDPSSODescriptor variant (the signed document with its two fed-typed RoleDescriptors
//     removed) against the unchanged OASIS saml-schema-metadata-2.0.xsd;
//  2. the whole document through schemas/federation-role-types-lax.xsd, which resolves the two
//     xsi:type values as extensions of md:RoleDescriptorType: the md part of each RoleDescriptor is
//     validated, the content of the fed:* children is NOT (there is no WS-Federation schema here);
//     the WS-Federation 1.2 child order and content of those elements are asserted explicitly below.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { XMLSerializer } from '@xmldom/xmldom';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { OFFERED_TOKEN_TYPES, buildFederationMetadata, federationMetadataElement, signFederationMetadata, type FederationMetadataInput } from '../../../src/wsfed/metadata.js';
import { offeredClaims } from '../../../src/wsfed/claims.js';
import { NS } from '../../../src/xml/namespaces.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { METADATA_SCHEMA, makeSigningKey, requireTool, xmllintValidate, xmlsecVerify } from '../../helpers/xml-tools.js';
import { RP_NS, children, elements, parseXml, readFederationMetadata } from './relying-party.js';

const FED_TYPES_SCHEMA = fileURLToPath(new URL('./schemas/federation-role-types-lax.xsd', import.meta.url));
const PASSIVE = 'http://schemas.xmlsoap.org/ws/2003/07/secext';
const ENDPOINT = 'https://fedmeta.test/wsfed/app1';
const names = (parent: Element) => children(parent).map((child) => `${child.prefix}:${child.localName}`);
const address = (parent: Element, name: string) => elements(elements(parent, NS.fed, name)[0]!, NS.wsa, 'Address')[0]!.textContent;

describe('wsfed/metadata: federation metadata', () => {
  let current: SigningKey;
  let next: SigningKey;
  let previous: SigningKey;
  let input: FederationMetadataInput;

  before(async () => {
    [current, next, previous] = await Promise.all([makeSigningKey(), makeSigningKey(), makeSigningKey()]);
    input = {
      entityId: 'urn:fedmeta.test',
      id: '_fedmd1',
      keys: [current.published, next.published, previous.published],
      endpointUrl: ENDPOINT,
      claims: offeredClaims(),
      validUntil: new Date('2030-01-02T03:04:05.000Z'),
      cacheDurationSeconds: 3600,
    };
  });
  const signed = () => signFederationMetadata(federationMetadataElement(input), current);
  const roles = (root: Element) => elements(root, NS.md, 'RoleDescriptor');

  it('is an EntityDescriptor with ID, validUntil, cacheDuration: Signature, STS and application RoleDescriptors, IDPSSODescriptor', () => {
    const root = parseXml(signed()).documentElement!;
    expect(['entityID', 'ID', 'validUntil', 'cacheDuration'].map((name) => root.getAttribute(name))).to.deep.equal([
      'urn:fedmeta.test',
      '_fedmd1',
      '2030-01-02T03:04:05.000Z',
      'PT3600S',
    ]);
    expect(names(root)).to.deep.equal(['ds:Signature', 'md:RoleDescriptor', 'md:RoleDescriptor', 'md:IDPSSODescriptor']);
    expect(roles(root).map((role) => role.getAttributeNS(NS.xsi, 'type'))).to.deep.equal(['fed:SecurityTokenServiceType', 'fed:ApplicationServiceType']);
    for (const role of roles(root)) {
      expect(role.lookupNamespaceURI('fed')).to.equal(NS.fed);
      expect(role.getAttribute('protocolSupportEnumeration')).to.equal(NS.fed);
    }
  });

  it('STS role (WS-Federation 1.2 3.1.2.2): keys, TokenTypesOffered, ClaimTypesOffered, then the endpoints, in schema order', () => {
    const sts = roles(parseXml(buildFederationMetadata(input)).documentElement!)[0]!;
    expect(names(sts)).to.deep.equal([
      ...['md:KeyDescriptor', 'md:KeyDescriptor', 'md:KeyDescriptor'],
      ...['fed:TokenTypesOffered', 'fed:ClaimTypesOffered', 'fed:SecurityTokenServiceEndpoint', 'fed:PassiveRequestorEndpoint'],
    ]);
    const offered = elements(sts, NS.fed, 'TokenTypesOffered')[0]!;
    expect(children(offered).map((t) => [t.localName, t.getAttribute('Uri')])).to.deep.equal([
      ['TokenType', 'urn:oasis:names:tc:SAML:1.0:assertion'],
      ['TokenType', 'urn:oasis:names:tc:SAML:2.0:assertion'],
    ]);
    expect(OFFERED_TOKEN_TYPES).to.have.length(2);
    const claims = children(elements(sts, NS.fed, 'ClaimTypesOffered')[0]!);
    expect(claims.map((c) => [c.namespaceURI, c.getAttribute('Uri'), c.getAttribute('Optional'), names(c).join()])).to.deep.equal(
      offeredClaims().map((c) => [RP_NS.auth, c.uri, 'true', 'auth:DisplayName,auth:Description']),
    );
    for (const name of ['SecurityTokenServiceEndpoint', 'PassiveRequestorEndpoint']) expect(address(sts, name), name).to.equal(ENDPOINT);
  });

  it('application role (3.1.2.3) and the IDPSSODescriptor advertising the WS-Fed passive protocol and binding', () => {
    const root = parseXml(buildFederationMetadata(input)).documentElement!;
    const application = roles(root)[1]!;
    expect(names(application)).to.deep.equal([
      ...['md:KeyDescriptor', 'md:KeyDescriptor', 'md:KeyDescriptor'],
      ...['fed:ApplicationServiceEndpoint', 'fed:PassiveRequestorEndpoint'],
    ]);
    for (const name of ['ApplicationServiceEndpoint', 'PassiveRequestorEndpoint']) expect(address(application, name), name).to.equal(ENDPOINT);
    const idp = elements(root, NS.md, 'IDPSSODescriptor')[0]!;
    expect(idp.getAttribute('protocolSupportEnumeration')).to.equal(PASSIVE);
    expect(names(idp)).to.deep.equal([
      ...['md:KeyDescriptor', 'md:KeyDescriptor', 'md:KeyDescriptor'],
      ...['md:SingleLogoutService', 'md:NameIDFormat', 'md:SingleSignOnService'],
    ]);
    for (const name of ['SingleSignOnService', 'SingleLogoutService']) {
      const service = elements(idp, NS.md, name)[0]!;
      expect([service.getAttribute('Binding'), service.getAttribute('Location')], name).to.deep.equal([PASSIVE, ENDPOINT]);
    }
  });

  it('lists a signing KeyDescriptor for every published key, in order, in every role', () => {
    const root = parseXml(buildFederationMetadata(input)).documentElement!;
    for (const role of [...roles(root), ...elements(root, NS.md, 'IDPSSODescriptor')]) {
      const descriptors = children(role).filter((c) => c.localName === 'KeyDescriptor');
      expect(descriptors.map((d) => d.getAttribute('use'))).to.deep.equal(['signing', 'signing', 'signing']);
      expect(descriptors.map((d) => elements(d, NS.ds, 'KeyName')[0]!.textContent)).to.deep.equal([current.kid, next.kid, previous.kid]);
      expect(descriptors.map((d) => elements(d, NS.ds, 'X509Certificate')[0]!.textContent)).to.deep.equal([current, next, previous].map((k) => k.published.certBase64));
    }
    const view = readFederationMetadata(signed());
    expect(view.certs).to.deep.equal([current, next, previous].map((k) => k.published.certBase64));
    expect(view.passiveEndpoint).to.equal(ENDPOINT);
  });

  it('escapes what it is given, and refuses a bad ID or cacheDuration', () => {
    const xml = buildFederationMetadata({ ...input, entityId: 'urn:a"b<c>&d', endpointUrl: 'https://x.test/?a=1&b="2"' });
    const root = parseXml(xml).documentElement!;
    expect(root.getAttribute('entityID')).to.equal('urn:a"b<c>&d');
    expect(address(roles(root)[0]!, 'PassiveRequestorEndpoint')).to.equal('https://x.test/?a=1&b="2"');
    expect(() => buildFederationMetadata({ ...input, id: '1abc' })).to.throw(/NCName/);
    expect(() => buildFederationMetadata({ ...input, cacheDurationSeconds: -1 })).to.throw(/cacheDurationSeconds/);
  });

  it('is signed enveloped (rsa-sha256, exc-c14n) by the current key: our verifier and xmlsec1 accept it, other keys do not', function () {
    const xml = signed();
    const signedInfo = elements(parseXml(xml), NS.ds, 'SignedInfo')[0]!;
    expect(elements(signedInfo, NS.ds, 'SignatureMethod')[0]!.getAttribute('Algorithm')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(elements(signedInfo, NS.ds, 'CanonicalizationMethod')[0]!.getAttribute('Algorithm')).to.equal('http://www.w3.org/2001/10/xml-exc-c14n#');
    expect(verifyXmlSignature(xml, [current.published.certBase64], { element: [[NS.md, 'EntityDescriptor']] }).certBase64).to.equal(current.published.certBase64);
    expect(() => verifyXmlSignature(xml, [next.published.certBase64], { element: [[NS.md, 'EntityDescriptor']] })).to.throw();
    requireTool(this, 'xmlsec1');
    const ok = xmlsecVerify(xml, current.published.certPem, `${NS.md}:EntityDescriptor`);
    expect(ok.ok, ok.output).to.equal(true);
    expect(xmlsecVerify(xml, next.published.certPem, `${NS.md}:EntityDescriptor`).ok).to.equal(false);
    expect(xmlsecVerify(xml.replace(ENDPOINT, 'https://evil.test/wsfed'), current.published.certPem, `${NS.md}:EntityDescriptor`).ok).to.equal(false);
  });

  it('signs the bindings of prefixes used only inside xsi:type values (exc-c14n InclusiveNamespaces "fed xsi")', function () {
    const xml = signed();
    const prefixLists = Array.from(parseXml(xml).getElementsByTagNameNS('http://www.w3.org/2001/10/xml-exc-c14n#', 'InclusiveNamespaces')).map((e) => e.getAttribute('PrefixList'));
    expect(prefixLists).to.deep.equal(['fed xsi']);
    requireTool(this, 'xmlsec1');
    expect(xmlsecVerify(xml, current.published.certPem, `${NS.md}:EntityDescriptor`).ok).to.equal(true);
  });

  it('the IDPSSODescriptor variant validates against the OASIS metadata schema, unchanged', function () {
    requireTool(this, 'xmllint');
    const doc = parseXml(signed());
    for (const role of roles(doc.documentElement!)) doc.documentElement!.removeChild(role);
    const variant = new XMLSerializer().serializeToString(doc as never);
    expect(variant).to.include('md:IDPSSODescriptor').and.not.include('md:RoleDescriptor');
    const result = xmllintValidate(variant, METADATA_SCHEMA);
    expect(result.ok, result.output).to.equal(true);
    // The whole document cannot be: the OASIS schema alone cannot resolve the fed: xsi:types.
    expect(xmllintValidate(signed(), METADATA_SCHEMA).output).to.match(/does not resolve to a type definition/);
  });

  it('the whole signed document validates with the fed xsi:types resolved over md:RoleDescriptorType (fed content lax)', function () {
    requireTool(this, 'xmllint');
    const result = xmllintValidate(signed(), FED_TYPES_SCHEMA);
    expect(result.ok, result.output).to.equal(true);
    // Not vacuous: an md:KeyDescriptor after a fed element breaks RoleDescriptorType's order.
    const xml = signed();
    const offered = /<fed:TokenTypesOffered>.*?<\/fed:TokenTypesOffered>/.exec(xml)![0];
    const moved = xml.replace(offered, '').replace('<md:KeyDescriptor', `${offered}<md:KeyDescriptor`);
    expect(xmllintValidate(moved, FED_TYPES_SCHEMA).output).to.match(/KeyDescriptor.*not expected/);
  });
});
