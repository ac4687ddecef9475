import { expect } from 'chai';
import type { SigningKey } from '../../../src/keys/keyring.js';
import {
  ATTRNAME_FORMAT_URI,
  BEARER,
  PASSWORD_PROTECTED_TRANSPORT,
  assertionElement,
  buildAssertion,
  nameIdValue,
  signAssertion,
  type AssertionInput,
} from '../../../src/saml/assertion.js';
import { xsDateTime } from '../../../src/saml/ids.js';
import { randomIds } from '../../../src/ids.js';
import { NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../../../src/xml/parse.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { makeSigningKey, requireTool, xmllintValidate, xmlsecVerify, ASSERTION_SCHEMA } from '../../helpers/xml-tools.js';

const MARKUP = ' <b>Ann & "Bo"</b> ]]> Zoë 東京 😀 ';

function input(overrides: Partial<AssertionInput> = {}): AssertionInput {
  return {
    id: '_assertion1',
    issuer: 'urn:fedmeta.test',
    now: new Date('2030-01-02T03:04:05.678Z'),
    app: {
      audience: 'urn:sp.test',
      mappings: {
        user_id: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier',
        email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
        title: 'urn:oid:2.5.4.12',
        department: 'urn:oid:2.5.4.11',
      },
      nameIdentifierFormat: NAMEID_FORMATS.emailAddress,
      lifetimeInSeconds: 600,
    },
    acsUrl: 'https://sp.test/acs',
    inResponseTo: '_request1',
    profile: { user_id: 'auth0|u1', email: 'ann@example.com', name: 'Ann', title: MARKUP },
    transientNameId: '_transient1',
    session: { authnInstant: new Date('2030-01-02T02:00:00.000Z'), sessionIndex: '_session1' },
    ...overrides,
  };
}

function parse(xml: string): Element {
  return expectRoot(parseUntrustedXml(xml, { maxBytes: 1 << 20 }), NS.saml, 'Assertion');
}

function children(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function only(parent: Element, localName: string): Element {
  const found = parent.getElementsByTagNameNS(NS.saml, localName);
  expect(found.length, localName).to.equal(1);
  return found[0]!;
}

/** Attribute Name → its AttributeValues' text, in document order. */
function attributesOf(root: Element): Array<[string, string[]]> {
  return Array.from(root.getElementsByTagNameNS(NS.saml, 'Attribute')).map((attribute) => [
    attribute.getAttribute('Name')!,
    Array.from(attribute.getElementsByTagNameNS(NS.saml, 'AttributeValue')).map((value) => value.textContent ?? ''),
  ]);
}

describe('saml/ids: IDs and timestamps', () => {
  it('randomIds.samlId() is `_` and 40 hex digits, fresh each time', () => {
    const ids = new Set(Array.from({ length: 50 }, () => randomIds.samlId()));
    expect(ids.size).to.equal(50);
    for (const id of ids) expect(id).to.match(/^_[0-9a-f]{40}$/);
  });

  it('xsDateTime is UTC with a Z and whole seconds, and refuses an invalid date', () => {
    expect(xsDateTime(new Date('2030-01-02T03:04:05.999Z'))).to.equal('2030-01-02T03:04:05Z');
    expect(xsDateTime(new Date(Date.UTC(2030, 0, 2, 3, 4, 5)))).to.equal('2030-01-02T03:04:05Z');
    expect(() => xsDateTime(new Date('nope'))).to.throw(/invalid date/);
  });
});

describe('saml/assertion: buildAssertion', () => {
  it('has ID, IssueInstant, Version and its children in schema order', () => {
    const root = parse(buildAssertion(input()));
    expect(root.prefix).to.equal('saml');
    expect(root.getAttribute('ID')).to.equal('_assertion1');
    expect(root.getAttribute('IssueInstant')).to.equal('2030-01-02T03:04:05Z');
    expect(root.getAttribute('Version')).to.equal('2.0');
    expect(children(root).map((child) => child.localName)).to.deep.equal([
      'Issuer',
      'Subject',
      'Conditions',
      'AuthnStatement',
      'AttributeStatement',
    ]);
    expect(only(root, 'Issuer').textContent).to.equal('urn:fedmeta.test');
  });

  it('confirms the subject as bearer for the ACS URL until now + lifetime, answering the request', () => {
    const root = parse(buildAssertion(input()));
    const confirmation = only(root, 'SubjectConfirmation');
    expect(confirmation.getAttribute('Method')).to.equal(BEARER);
    const data = only(root, 'SubjectConfirmationData');
    expect(data.getAttribute('Recipient')).to.equal('https://sp.test/acs');
    expect(data.getAttribute('NotOnOrAfter')).to.equal('2030-01-02T03:14:05Z');
    expect(data.getAttribute('InResponseTo')).to.equal('_request1');
    // SAML profiles 4.1.4.2: bearer SubjectConfirmationData has no NotBefore.
    expect(data.hasAttribute('NotBefore')).to.equal(false);
  });

  it('names the application recipient when it has one, and omits InResponseTo when IdP-initiated', () => {
    const base = input();
    const root = parse(
      buildAssertion({ ...base, inResponseTo: undefined, app: { ...base.app, recipient: 'https://sp.test/recipient' } }),
    );
    const data = only(root, 'SubjectConfirmationData');
    expect(data.getAttribute('Recipient')).to.equal('https://sp.test/recipient');
    expect(data.hasAttribute('InResponseTo')).to.equal(false);
  });

  it('restricts the audience to the application and is valid from now for the lifetime', () => {
    const root = parse(buildAssertion(input()));
    const conditions = only(root, 'Conditions');
    expect(conditions.getAttribute('NotBefore')).to.equal('2030-01-02T03:04:05Z');
    expect(conditions.getAttribute('NotOnOrAfter')).to.equal('2030-01-02T03:14:05Z');
    expect(children(conditions).map((child) => child.localName)).to.deep.equal(['AudienceRestriction']);
    expect(only(root, 'Audience').textContent).to.equal('urn:sp.test');
  });

  it('states the login time, the session index and password-protected transport', () => {
    const root = parse(buildAssertion(input()));
    const statement = only(root, 'AuthnStatement');
    expect(statement.getAttribute('AuthnInstant')).to.equal('2030-01-02T02:00:00Z');
    expect(statement.getAttribute('SessionIndex')).to.equal('_session1');
    expect(statement.hasAttribute('SessionNotOnOrAfter')).to.equal(false);
    expect(only(root, 'AuthnContextClassRef').textContent).to.equal(PASSWORD_PROTECTED_TRANSPORT);
    const session = { ...input().session, notOnOrAfter: new Date('2030-01-02T10:00:00.000Z') };
    const withEnd = parse(buildAssertion(input({ session })));
    expect(only(withEnd, 'AuthnStatement').getAttribute('SessionNotOnOrAfter')).to.equal('2030-01-02T10:00:00Z');
  });

  const nameIdCases: Array<[string, string, string]> = [
    ['emailAddress', NAMEID_FORMATS.emailAddress, 'ann@example.com'],
    ['persistent', NAMEID_FORMATS.persistent, 'auth0|u1'],
    ['unspecified', NAMEID_FORMATS.unspecified, 'auth0|u1'],
    ['transient', NAMEID_FORMATS.transient, '_transient1'],
  ];
  for (const [label, format, expected] of nameIdCases) {
    it(`takes the NameID for the ${label} format from the right place`, () => {
      const base = input();
      const root = parse(buildAssertion({ ...base, app: { ...base.app, nameIdentifierFormat: format } }));
      const nameId = only(root, 'NameID');
      expect(nameId.getAttribute('Format')).to.equal(format);
      expect(nameId.textContent).to.equal(expected);
      expect(nameIdValue(format, base)).to.equal(expected);
    });
  }

  it('refuses to issue an assertion without a NameID value', () => {
    const base = input();
    const transient = { ...base.app, nameIdentifierFormat: NAMEID_FORMATS.transient };
    expect(() => buildAssertion({ ...base, app: transient, transientNameId: undefined })).to.throw(/no NameID value/);
    expect(() => buildAssertion({ ...base, profile: { ...base.profile, email: '' } })).to.throw(/no NameID value/);
  });

  it('releases one uri-named xs:string attribute per mapping with a value, in mapping order', () => {
    const root = parse(buildAssertion(input()));
    // department has no value in the profile and name is not mapped: neither is released.
    expect(attributesOf(root)).to.deep.equal([
      ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', ['auth0|u1']],
      ['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', ['ann@example.com']],
      ['urn:oid:2.5.4.12', [MARKUP]],
    ]);
    for (const attribute of Array.from(root.getElementsByTagNameNS(NS.saml, 'Attribute'))) {
      expect(attribute.getAttribute('NameFormat')).to.equal(ATTRNAME_FORMAT_URI);
      const value = attribute.getElementsByTagNameNS(NS.saml, 'AttributeValue')[0]!;
      expect(value.getAttributeNS(NS.xsi, 'type')).to.equal('xs:string');
      expect(value.lookupNamespaceURI('xs')).to.equal(NS.xs);
    }
  });

  it('omits the AttributeStatement when nothing is released (the schema forbids an empty one)', () => {
    const base = input();
    const mappings = { department: 'urn:oid:2.5.4.11', toString: 'urn:not-a-profile-field' };
    const root = parse(buildAssertion({ ...base, app: { ...base.app, mappings } }));
    expect(root.getElementsByTagNameNS(NS.saml, 'AttributeStatement').length).to.equal(0);
    expect(children(root).at(-1)!.localName).to.equal('AuthnStatement');
  });

  it('normalizes CR LF and CR to LF, as every XML parser would, and refuses characters XML cannot carry', () => {
    const base = input();
    const root = parse(buildAssertion({ ...base, profile: { ...base.profile, title: 'a\r\nb\rc\n' } }));
    expect(attributesOf(root)[2]).to.deep.equal(['urn:oid:2.5.4.12', ['a\nb\nc\n']]);
    for (const bad of ['\u0000', '\u0001', '\uD800', '\uFFFE']) {
      expect(() => buildAssertion({ ...base, profile: { ...base.profile, title: `a${bad}` } })).to.throw();
    }
  });

  it('refuses an ID that is not an NCName and a lifetime that is not a positive integer', () => {
    expect(() => buildAssertion(input({ id: '1abc' }))).to.throw(/NCName/);
    expect(() => buildAssertion(input({ id: '_a b' }))).to.throw(/NCName/);
    for (const lifetimeInSeconds of [0, -1, 1.5, Number.NaN]) {
      const base = input();
      expect(() => buildAssertion({ ...base, app: { ...base.app, lifetimeInSeconds } })).to.throw(/lifetimeInSeconds/);
    }
  });

  it('escapes issuer and audience rather than letting them become markup', () => {
    const base = input({ issuer: 'urn:a"b<c>&d' });
    const root = parse(buildAssertion({ ...base, app: { ...base.app, audience: "urn:x'y&z<" } }));
    expect(only(root, 'Issuer').textContent).to.equal('urn:a"b<c>&d');
    expect(only(root, 'Audience').textContent).to.equal("urn:x'y&z<");
  });

  it('validates against the OASIS saml-schema-assertion-2.0, with and without attributes', function () {
    requireTool(this, 'xmllint');
    const base = input();
    for (const xml of [buildAssertion(base), buildAssertion({ ...base, app: { ...base.app, mappings: {} } })]) {
      const result = xmllintValidate(xml, ASSERTION_SCHEMA);
      expect(result.ok, result.output).to.equal(true);
    }
  });
});

describe('saml/assertion: signAssertion (a standalone assertion)', () => {
  let key: SigningKey;
  let other: SigningKey;

  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey('other.test')]);
  });

  const signed = () => signAssertion(assertionElement(input()), { key, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

  it('puts the signature right after the Issuer and keeps markup values byte-exact in the signed bytes', () => {
    const xml = signed();
    expect(children(parse(xml)).map((child) => child.localName).slice(0, 3)).to.deep.equal(['Issuer', 'Signature', 'Subject']);
    const verified = verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.saml, 'Assertion']] });
    // The canonical bytes a relying party trusts, parsed again: the value is exactly what the profile held.
    const trusted = parseUntrustedXml(verified.signedXml, { maxBytes: 1 << 20 }).documentElement!;
    expect(attributesOf(trusted)[2]).to.deep.equal(['urn:oid:2.5.4.12', [MARKUP]]);
  });

  it('verifies with xmlsec1 and the schema, and fails with another certificate or one changed character', function () {
    const xml = signed();
    requireTool(this, 'xmlsec1');
    const result = xmlsecVerify(xml, key.published.certPem, `${NS.saml}:Assertion`);
    expect(result.ok, result.output).to.equal(true);
    expect(xmlsecVerify(xml, other.published.certPem, `${NS.saml}:Assertion`).ok).to.equal(false);
    const tampered = xml.replace('Ann &amp;', 'Bnn &amp;');
    expect(tampered).to.not.equal(xml);
    expect(xmlsecVerify(tampered, key.published.certPem, `${NS.saml}:Assertion`).ok).to.equal(false);
    requireTool(this, 'xmllint');
    const schema = xmllintValidate(xml, ASSERTION_SCHEMA);
    expect(schema.ok, schema.output).to.equal(true);
  });
});
