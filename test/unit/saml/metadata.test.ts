import { expect } from 'chai';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { buildIdpMetadata, idpMetadataElement, signIdpMetadata, type IdpMetadataInput } from '../../../src/saml/metadata.js';
import { ALGORITHMS, BINDINGS, NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../../../src/xml/parse.js';
import { XmlError } from '../../../src/errors.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import {
  METADATA_SCHEMA,
  makeSigningKey,
  requireTool,
  xmllintValidate,
  xmlsecVerify,
} from '../../helpers/xml-tools.js';

const ENTITY_DESCRIPTOR = `${NS.md}:EntityDescriptor`;
const VERIFY = { element: [[NS.md, 'EntityDescriptor'] as const] };

function childElements(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function verifyCode(xml: string, certs: string[]): string | undefined {
  try {
    verifyXmlSignature(xml, certs, VERIFY);
  } catch (error) {
    expect(error).to.be.instanceOf(XmlError);
    return (error as XmlError).code;
  }
  return undefined;
}

describe('saml/metadata: IdP metadata', () => {
  let current: SigningKey;
  let next: SigningKey;
  let previous: SigningKey;
  let input: IdpMetadataInput;

  before(async () => {
    [current, next, previous] = await Promise.all([makeSigningKey(), makeSigningKey(), makeSigningKey()]);
    input = {
      entityId: 'urn:fedmeta.test',
      keys: [current.published, next.published, previous.published],
      ssoUrl: 'https://fedmeta.test/samlp/app1',
      sloUrl: 'https://fedmeta.test/samlp/app1/logout',
      validUntil: new Date('2030-01-02T03:04:05.000Z'),
      cacheDurationSeconds: 3600,
      id: '_metadata-1',
    };
  });

  const signed = () => signIdpMetadata(idpMetadataElement(input), current);

  it('builds an EntityDescriptor with validUntil, cacheDuration and an IDPSSODescriptor in schema order', () => {
    const root = expectRoot(parseUntrustedXml(buildIdpMetadata(input), { maxBytes: 65536 }), NS.md, 'EntityDescriptor');
    expect(root.prefix).to.equal('md');
    expect(root.getAttribute('entityID')).to.equal('urn:fedmeta.test');
    expect(root.getAttribute('ID')).to.equal('_metadata-1');
    expect(root.getAttribute('validUntil')).to.equal('2030-01-02T03:04:05.000Z');
    expect(root.getAttribute('cacheDuration')).to.equal('PT3600S');
    const [idp, ...rest] = childElements(root);
    expect(rest).to.have.length(0);
    expect(idp!.localName).to.equal('IDPSSODescriptor');
    expect(idp!.getAttribute('protocolSupportEnumeration')).to.equal(NS.samlp);
    expect(idp!.getAttribute('WantAuthnRequestsSigned')).to.equal('false');
    const children = childElements(idp!);
    expect(children.map((child) => child.localName)).to.deep.equal([
      ...['KeyDescriptor', 'KeyDescriptor', 'KeyDescriptor'],
      ...['SingleLogoutService', 'SingleLogoutService'],
      ...['NameIDFormat', 'NameIDFormat', 'NameIDFormat', 'NameIDFormat'],
      ...['SingleSignOnService', 'SingleSignOnService'],
    ]);
    expect(children.filter((c) => c.localName === 'NameIDFormat').map((c) => c.textContent)).to.deep.equal([
      NAMEID_FORMATS.emailAddress,
      NAMEID_FORMATS.persistent,
      NAMEID_FORMATS.transient,
      NAMEID_FORMATS.unspecified,
    ]);
    const services = (name: string) =>
      children.filter((c) => c.localName === name).map((c) => [c.getAttribute('Binding'), c.getAttribute('Location')]);
    expect(services('SingleSignOnService')).to.deep.equal([
      [BINDINGS.httpRedirect, input.ssoUrl],
      [BINDINGS.httpPost, input.ssoUrl],
    ]);
    expect(services('SingleLogoutService')).to.deep.equal([
      [BINDINGS.httpRedirect, input.sloUrl],
      [BINDINGS.httpPost, input.sloUrl],
    ]);
  });

  it('lists one signing KeyDescriptor per published key, in order, with KeyName = kid and the certificate', () => {
    const root = parseUntrustedXml(buildIdpMetadata(input), { maxBytes: 65536 }).documentElement!;
    const descriptors = Array.from(root.getElementsByTagNameNS(NS.md, 'KeyDescriptor'));
    expect(descriptors.map((d) => d.getAttribute('use'))).to.deep.equal(['signing', 'signing', 'signing']);
    const text = (d: Element, local: string) => d.getElementsByTagNameNS(NS.ds, local)[0]?.textContent;
    expect(descriptors.map((d) => text(d, 'KeyName'))).to.deep.equal([current.kid, next.kid, previous.kid]);
    expect(descriptors.map((d) => text(d, 'X509Certificate'))).to.deep.equal(
      [current, next, previous].map((k) => k.published.certBase64),
    );
  });

  it('takes the NameID formats it is given', () => {
    const xml = buildIdpMetadata({ ...input, nameIdFormats: [NAMEID_FORMATS.persistent] });
    const formats = parseUntrustedXml(xml, { maxBytes: 65536 }).getElementsByTagNameNS(NS.md, 'NameIDFormat');
    expect(Array.from(formats).map((f) => f.textContent)).to.deep.equal([NAMEID_FORMATS.persistent]);
  });

  it('escapes what it is given rather than letting it become markup', () => {
    const xml = buildIdpMetadata({ ...input, entityId: 'urn:a"b<c>&d', ssoUrl: 'https://x.test/?a=1&b="2"' });
    const root = parseUntrustedXml(xml, { maxBytes: 65536 }).documentElement!;
    expect(root.getAttribute('entityID')).to.equal('urn:a"b<c>&d');
    expect(root.getElementsByTagNameNS(NS.md, 'SingleSignOnService')[0]!.getAttribute('Location')).to.equal('https://x.test/?a=1&b="2"');
  });

  it('refuses an ID that is not an NCName and a negative or fractional cacheDuration', () => {
    expect(() => buildIdpMetadata({ ...input, id: '1abc' })).to.throw(/NCName/);
    expect(() => buildIdpMetadata({ ...input, cacheDurationSeconds: -1 })).to.throw(/cacheDurationSeconds/);
    expect(() => buildIdpMetadata({ ...input, cacheDurationSeconds: 1.5 })).to.throw(/cacheDurationSeconds/);
  });

  it('is signed enveloped with rsa-sha256 by the current key, the Signature first in EntityDescriptor', () => {
    const root = parseUntrustedXml(signed(), { maxBytes: 65536 }).documentElement!;
    const [signature, idp] = childElements(root);
    expect([signature!.namespaceURI, signature!.localName]).to.deep.equal([NS.ds, 'Signature']);
    expect(idp!.localName).to.equal('IDPSSODescriptor');
    expect(signature!.getElementsByTagNameNS(NS.ds, 'SignatureMethod')[0]!.getAttribute('Algorithm')).to.equal(ALGORITHMS.rsaSha256);
    expect(signature!.getElementsByTagNameNS(NS.ds, 'Reference')[0]!.getAttribute('URI')).to.equal('#_metadata-1');
  });

  it('verifies with verifyXmlSignature and with xmlsec1, trusting only the current certificate', function () {
    const xml = signed();
    const verified = verifyXmlSignature(xml, [current.published.certBase64], VERIFY);
    expect(verified.signedXml).to.match(/^<md:EntityDescriptor /);
    expect(verified.signedXml).to.contain(previous.published.certBase64);
    requireTool(this, 'xmlsec1');
    const result = xmlsecVerify(xml, current.published.certPem, ENTITY_DESCRIPTOR);
    expect(result.ok, result.output).to.equal(true);
  });

  it('fails both verifications when one byte of content changes', function () {
    const xml = signed();
    const tampered = xml.replace('https://fedmeta.test/samlp/app1"', 'https://fedmeta.test/samlp/app2"');
    expect(tampered).to.have.length(xml.length).and.not.equal(xml);
    expect(verifyCode(tampered, [current.published.certBase64])).to.equal('xml_signature_invalid');
    requireTool(this, 'xmlsec1');
    expect(xmlsecVerify(tampered, current.published.certPem, ENTITY_DESCRIPTOR).ok).to.equal(false);
  });

  it('fails both verifications with another certificate, even one the metadata itself publishes', function () {
    const xml = signed();
    expect(verifyCode(xml, [next.published.certBase64])).to.equal('xml_signature_invalid');
    requireTool(this, 'xmlsec1');
    expect(xmlsecVerify(xml, next.published.certPem, ENTITY_DESCRIPTOR).ok).to.equal(false);
  });

  it('validates against the OASIS saml-metadata-2.0 schema, signed and unsigned', function () {
    requireTool(this, 'xmllint');
    for (const xml of [signed(), buildIdpMetadata(input)]) {
      const result = xmllintValidate(xml, METADATA_SCHEMA);
      expect(result.ok, result.output).to.equal(true);
    }
  });

  it('the schema check is real: a SingleSignOnService before the KeyDescriptors is refused', function () {
    requireTool(this, 'xmllint');
    const xml = buildIdpMetadata(input);
    const sso = /<md:SingleSignOnService [^>]*(\/>|><\/md:SingleSignOnService>)/.exec(xml)![0];
    const misordered = xml.replace(sso, '').replace('<md:KeyDescriptor ', `${sso}<md:KeyDescriptor `);
    const result = xmllintValidate(misordered, METADATA_SCHEMA);
    expect(result.ok).to.equal(false);
    expect(result.output).to.match(/validity error : Element '\{urn:oasis:names:tc:SAML:2.0:metadata\}KeyDescriptor': This element is not expected/);
  });
});
