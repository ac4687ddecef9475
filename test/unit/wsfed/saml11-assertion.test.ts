import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { SAML11_BEARER, SAML11_PASSWORD, buildSaml11Assertion, saml11AssertionElement, signSaml11Assertion, type Saml11AssertionInput } from '../../../src/wsfed/saml11-assertion.js';
import { releasedClaims, splitClaimType } from '../../../src/wsfed/claims.js';
import { NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { makeSigningKey, requireTool, xmllintValidate, xmlsecVerify } from '../../helpers/xml-tools.js';
import { children, elements, parseXml } from './relying-party.js';

const MARKUP = ' <b>Ann & "Bo"</b> ]]> Zoë 東京 😀 ';
const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
/** The OASIS SAML 1.1 assertion schema, unchanged; see the file for why it is reached through a local import. */
const SAML11_SCHEMA = fileURLToPath(new URL('./schemas/saml11-assertion-local-imports.xsd', import.meta.url));
const ID_NODE = `${NS.saml1}:Assertion`;

function input(overrides: Partial<Saml11AssertionInput> = {}): Saml11AssertionInput {
  return {
    id: '_a11',
    issuer: 'urn:fedmeta.test',
    now: new Date('2030-01-02T03:04:05.678Z'),
    audience: 'urn:rp:app',
    lifetimeInSeconds: 600,
    nameIdentifier: 'fedmeta|u1',
    claims: releasedClaims({ user_id: 'fedmeta|u1', email: 'ann@example.com', name: MARKUP, other: 'not mapped' }),
    authenticationInstant: new Date('2030-01-02T02:00:00.000Z'),
    ...overrides,
  };
}

const root = (xml: string) => parseXml(xml).documentElement!;

describe('wsfed/saml11-assertion: SAML 1.1 assertion for WS-Fed', () => {
  let key: SigningKey;
  let other: SigningKey;
  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey()]);
  });
  const signed = (overrides: Partial<Saml11AssertionInput> = {}) => signSaml11Assertion(saml11AssertionElement(input(overrides)), key);

  it('carries MajorVersion 1, MinorVersion 1, AssertionID, Issuer and IssueInstant (SAML 1.1 core 2.3.2)', () => {
    const assertion = root(buildSaml11Assertion(input()));
    expect([assertion.namespaceURI, assertion.localName]).to.deep.equal([NS.saml1, 'Assertion']);
    expect(['MajorVersion', 'MinorVersion', 'AssertionID', 'Issuer', 'IssueInstant'].map((name) => assertion.getAttribute(name))).to.deep.equal([
      '1',
      '1',
      '_a11',
      'urn:fedmeta.test',
      '2030-01-02T03:04:05Z',
    ]);
  });

  it('has Conditions with the lifetime and the realm as the one Audience', () => {
    const conditions = elements(root(buildSaml11Assertion(input())), NS.saml1, 'Conditions')[0]!;
    expect(conditions.getAttribute('NotBefore')).to.equal('2030-01-02T03:04:05Z');
    expect(conditions.getAttribute('NotOnOrAfter')).to.equal('2030-01-02T03:14:05Z');
    expect(children(conditions).map((c) => c.localName)).to.deep.equal(['AudienceRestrictionCondition']);
    expect(elements(conditions, NS.saml1, 'Audience').map((a) => a.textContent)).to.deep.equal(['urn:rp:app']);
  });

  it('has an AttributeStatement and an AuthenticationStatement, each with the bearer Subject', () => {
    const assertion = root(buildSaml11Assertion(input()));
    expect(children(assertion).map((c) => c.localName)).to.deep.equal(['Conditions', 'AttributeStatement', 'AuthenticationStatement']);
    for (const subject of elements(assertion, NS.saml1, 'Subject')) {
      const nameId = elements(subject, NS.saml1, 'NameIdentifier')[0]!;
      expect([nameId.textContent, nameId.getAttribute('Format')]).to.deep.equal(['fedmeta|u1', NAMEID_FORMATS.unspecified]);
      expect(elements(subject, NS.saml1, 'ConfirmationMethod').map((m) => m.textContent)).to.deep.equal([SAML11_BEARER]);
    }
    expect(elements(assertion, NS.saml1, 'Subject')).to.have.length(2);
    const authn = elements(assertion, NS.saml1, 'AuthenticationStatement')[0]!;
    expect(authn.getAttribute('AuthenticationMethod')).to.equal(SAML11_PASSWORD);
    expect(authn.getAttribute('AuthenticationInstant')).to.equal('2030-01-02T02:00:00Z');
  });

  it('splits claim types into AttributeNamespace and AttributeName as WIF does; values with markup come back exactly', () => {
    const attributes = elements(root(buildSaml11Assertion(input())), NS.saml1, 'Attribute');
    expect(attributes.map((a) => [a.getAttribute('AttributeNamespace'), a.getAttribute('AttributeName'), a.textContent])).to.deep.equal([
      [CLAIMS, 'nameidentifier', 'fedmeta|u1'],
      [CLAIMS, 'emailaddress', 'ann@example.com'],
      [CLAIMS, 'name', MARKUP],
    ]);
    expect(splitClaimType('http://example.com/claims/a/b')).to.deep.equal({ namespace: 'http://example.com/claims/a', name: 'b' });
    for (const bad of ['urn:oid:2.5.4.12', '/name', 'http://example.com/claims/']) expect(() => splitClaimType(bad), bad).to.throw(/SAML 1.1/);
  });

  it('leaves out the AttributeStatement when no claim is released, and refuses a bad ID or lifetime', () => {
    expect(children(root(buildSaml11Assertion(input({ claims: [] })))).map((c) => c.localName)).to.deep.equal(['Conditions', 'AuthenticationStatement']);
    expect(() => buildSaml11Assertion(input({ id: '1abc' }))).to.throw(/NCName/);
    expect(() => buildSaml11Assertion(input({ lifetimeInSeconds: 0 }))).to.throw(/lifetimeInSeconds/);
  });

  it('is signed through signXml with the ds:Signature as the LAST child, referencing #AssertionID', () => {
    const assertion = root(signed());
    const last = children(assertion).at(-1)!;
    expect([last.namespaceURI, last.localName]).to.deep.equal([NS.ds, 'Signature']);
    expect(elements(last, NS.ds, 'Reference')[0]!.getAttribute('URI')).to.equal('#_a11');
    expect(elements(last, NS.ds, 'SignatureMethod')[0]!.getAttribute('Algorithm')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const verified = verifyXmlSignature(signed(), [other.published.certBase64, key.published.certBase64], { element: [[NS.saml1, 'Assertion']], idAttribute: 'AssertionID' });
    expect(verified.certBase64).to.equal(key.published.certBase64);
  });

  it('xmlsec1 verifies it trusting only the signing certificate, and refuses another key or a changed claim', function () {
    requireTool(this, 'xmlsec1');
    const xml = signed();
    const ok = xmlsecVerify(xml, key.published.certPem, ID_NODE, 'AssertionID');
    expect(ok.ok, ok.output).to.equal(true);
    expect(xmlsecVerify(xml, other.published.certPem, ID_NODE, 'AssertionID').ok).to.equal(false);
    expect(xmlsecVerify(xml.replace('ann@example.com', 'eve@example.com'), key.published.certPem, ID_NODE, 'AssertionID').ok).to.equal(false);
  });

  it('validates against the OASIS SAML 1.1 assertion schema (cs-sstc-schema-assertion-1.1.xsd), signed and unsigned', function () {
    requireTool(this, 'xmllint');
    for (const xml of [buildSaml11Assertion(input()), signed(), signed({ claims: [] })]) {
      const result = xmllintValidate(xml, SAML11_SCHEMA);
      expect(result.ok, result.output).to.equal(true);
    }
    // The schema is really applied: a statement after the signature is refused.
    const misplaced = signed().replace(/(<ds:Signature[\s\S]*<\/ds:Signature>)(<\/saml:Assertion>)$/, '$1<saml:AuthenticationStatement/>$2');
    expect(xmllintValidate(misplaced, SAML11_SCHEMA).ok).to.equal(false);
  });
});
