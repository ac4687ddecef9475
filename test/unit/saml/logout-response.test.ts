import { SAML } from '@node-saml/node-saml';
import { expect } from 'chai';
import type { XmlElement } from '../../../src/xml/nodes.js';
import type { SigningKey } from '../../../src/keys/keyring.js';
import {
  buildLogoutRequest,
  buildLogoutResponse,
  logoutRequestElement,
  logoutResponseElement,
  signLogoutRequest,
  signLogoutResponse,
  type LogoutRequestInput,
  type LogoutResponseInput,
} from '../../../src/saml/logout-response.js';
import { STATUS } from '../../../src/saml/status.js';
import { NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../../../src/xml/parse.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { expectVerifiedAndValid, makeSigningKey, requireTool, xmllintValidate, xmlsecVerify, PROTOCOL_SCHEMA } from '../../helpers/xml-tools.js';

const IDP = 'urn:fedmeta.test';
const SP = 'urn:sp.test';
const SP_LOGOUT = 'https://sp.test/saml/logout';


function children(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}

function parse(xml: string, localName: 'LogoutResponse' | 'LogoutRequest'): Element {
  return expectRoot(parseUntrustedXml(xml, { maxBytes: 1 << 20 }), NS.samlp, localName);
}

/** node-saml as the SP that sent the LogoutRequest (or receives ours), trusting only `cert`. */
function serviceProvider(cert: SigningKey): SAML {
  return new SAML({
    callbackUrl: 'https://sp.test/saml/acs',
    issuer: SP,
    idpCert: cert.published.certPem,
    idpIssuer: IDP,
    acceptedClockSkewMs: 5000,
  });
}

const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

describe('saml/logout-response', () => {
  let key: SigningKey;
  let other: SigningKey;

  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey('other.test')]);
  });

  describe('LogoutResponse', () => {
    const input = (overrides: Partial<LogoutResponseInput> = {}): LogoutResponseInput => ({
      id: '_logout-response1',
      issuer: IDP,
      now: new Date('2030-01-02T03:04:05.678Z'),
      destination: SP_LOGOUT,
      inResponseTo: '_logout-request1',
      ...overrides,
    });
    const signed = (xml: XmlElement) => signLogoutResponse(xml, { key, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

    it('has ID, InResponseTo, Version, IssueInstant, Destination, Issuer and Status Success', () => {
      const root = parse(buildLogoutResponse(input()), 'LogoutResponse');
      expect(root.prefix).to.equal('samlp');
      expect(root.getAttribute('ID')).to.equal('_logout-response1');
      expect(root.getAttribute('InResponseTo')).to.equal('_logout-request1');
      expect(root.getAttribute('Version')).to.equal('2.0');
      expect(root.getAttribute('IssueInstant')).to.equal('2030-01-02T03:04:05Z');
      expect(root.getAttribute('Destination')).to.equal(SP_LOGOUT);
      expect(children(root).map((child) => `${child.namespaceURI} ${child.localName}`)).to.deep.equal([
        `${NS.saml} Issuer`,
        `${NS.samlp} Status`,
      ]);
      expect(children(root)[0]!.textContent).to.equal(IDP);
      const codes = Array.from(root.getElementsByTagNameNS(NS.samlp, 'StatusCode'));
      expect(codes.map((code) => code.getAttribute('Value'))).to.deep.equal([STATUS.success]);
    });

    it('carries another status when told (Responder + PartialLogout)', () => {
      const status = { code: STATUS.responder, subCode: STATUS.partialLogout, message: 'one SP did not answer' } as const;
      const root = parse(buildLogoutResponse(input({ status })), 'LogoutResponse');
      const codes = Array.from(root.getElementsByTagNameNS(NS.samlp, 'StatusCode'));
      expect(codes.map((code) => code.getAttribute('Value'))).to.deep.equal([STATUS.responder, STATUS.partialLogout]);
      expect(codes[1]!.parentNode).to.equal(codes[0]);
      expect(root.getElementsByTagNameNS(NS.samlp, 'StatusMessage')[0]!.textContent).to.equal('one SP did not answer');
    });

    it('is signed at the root, the Signature right after the Issuer, and verifies with verifyXmlSignature', () => {
      const xml = signed(logoutResponseElement(input()));
      const root = parse(xml, 'LogoutResponse');
      expect(children(root).map((child) => child.localName)).to.deep.equal(['Issuer', 'Signature', 'Status']);
      const reference = root.getElementsByTagNameNS(NS.ds, 'Reference')[0]!;
      expect(reference.getAttribute('URI')).to.equal('#_logout-response1');
      verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.samlp, 'LogoutResponse']] });
    });

    it('xmlsec1 verifies it with the signing certificate only, and not once one character changes', function () {
      requireTool(this, 'xmlsec1');
      const xml = signed(logoutResponseElement(input()));
      const node = `${NS.samlp}:LogoutResponse`;
      const result = xmlsecVerify(xml, key.published.certPem, node);
      expect(result.ok, result.output).to.equal(true);
      expect(xmlsecVerify(xml, other.published.certPem, node).ok).to.equal(false);
      const tampered = xml.replace('urn:fedmeta.test<', 'urn:fedmeta.tesT<');
      expect(tampered).to.not.equal(xml);
      expect(xmlsecVerify(tampered, key.published.certPem, node).ok).to.equal(false);
    });

    it('validates against the OASIS protocol schema, signed and unsigned', function () {
      requireTool(this, 'xmllint');
      for (const xml of [buildLogoutResponse(input()), signed(logoutResponseElement(input()))]) {
        const result = xmllintValidate(xml, PROTOCOL_SCHEMA);
        expect(result.ok, result.output).to.equal(true);
      }
    });

    it('node-saml accepts it as a logout over HTTP-POST, and rejects it with another certificate', async () => {
      const xml = signed(logoutResponseElement(input({ now: new Date() })));
      const result = await serviceProvider(key).validatePostResponseAsync({ SAMLResponse: base64(xml) });
      expect(result).to.deep.equal({ profile: null, loggedOut: true });
      let rejected: Error | undefined;
      await serviceProvider(other)
        .validatePostResponseAsync({ SAMLResponse: base64(xml) })
        .catch((error: Error) => (rejected = error));
      expect(rejected?.message).to.match(/Invalid document signature/);
    });
  });

  describe('LogoutRequest (IdP-initiated logout)', () => {
    const input = (overrides: Partial<LogoutRequestInput> = {}): LogoutRequestInput => ({
      id: '_logout-request1',
      issuer: IDP,
      now: new Date(),
      destination: SP_LOGOUT,
      nameId: { value: 'ann@example.com', format: NAMEID_FORMATS.emailAddress },
      sessionIndex: '_session1',
      ...overrides,
    });
    const signed = (xml: XmlElement) => signLogoutRequest(xml, { key, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

    it('has ID, Version, IssueInstant, Destination, then Issuer, NameID with its Format and SessionIndex', () => {
      const notOnOrAfter = new Date('2030-01-02T03:09:05Z');
      const xml = buildLogoutRequest(
        input({ now: new Date('2030-01-02T03:04:05.678Z'), notOnOrAfter, reason: 'urn:oasis:names:tc:SAML:2.0:logout:user' }),
      );
      const root = parse(xml, 'LogoutRequest');
      expect(root.getAttribute('ID')).to.equal('_logout-request1');
      expect(root.getAttribute('Version')).to.equal('2.0');
      expect(root.getAttribute('IssueInstant')).to.equal('2030-01-02T03:04:05Z');
      expect(root.getAttribute('Destination')).to.equal(SP_LOGOUT);
      expect(root.getAttribute('NotOnOrAfter')).to.equal('2030-01-02T03:09:05Z');
      expect(root.getAttribute('Reason')).to.equal('urn:oasis:names:tc:SAML:2.0:logout:user');
      expect(children(root).map((child) => `${child.namespaceURI} ${child.localName}`)).to.deep.equal([
        `${NS.saml} Issuer`,
        `${NS.saml} NameID`,
        `${NS.samlp} SessionIndex`,
      ]);
      const [, nameId, sessionIndex] = children(root);
      expect(nameId!.getAttribute('Format')).to.equal(NAMEID_FORMATS.emailAddress);
      expect(nameId!.textContent).to.equal('ann@example.com');
      expect(sessionIndex!.textContent).to.equal('_session1');
    });

    it('omits what it is not given: no SessionIndex, NotOnOrAfter or Reason', () => {
      const root = parse(buildLogoutRequest(input({ sessionIndex: undefined })), 'LogoutRequest');
      expect(children(root).map((child) => child.localName)).to.deep.equal(['Issuer', 'NameID']);
      expect(root.hasAttribute('NotOnOrAfter')).to.equal(false);
      expect(root.hasAttribute('Reason')).to.equal(false);
    });

    it('is signed after the Issuer, validates against the schema and verifies with xmlsec1', function () {
      const xml = signed(logoutRequestElement(input()));
      expect(children(parse(xml, 'LogoutRequest')).map((child) => child.localName)).to.deep.equal([
        'Issuer',
        'Signature',
        'NameID',
        'SessionIndex',
      ]);
      verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.samlp, 'LogoutRequest']] });
      expectVerifiedAndValid(this, xml, key.published.certPem, `${NS.samlp}:LogoutRequest`);
    });

    it('node-saml accepts it with the NameID and SessionIndex, and rejects it with another certificate', async () => {
      const xml = signed(logoutRequestElement(input({ notOnOrAfter: new Date(Date.now() + 300_000) })));
      const { profile, loggedOut } = await serviceProvider(key).validatePostRequestAsync({ SAMLRequest: base64(xml) });
      expect(loggedOut).to.equal(true);
      expect(profile).to.include({
        ID: '_logout-request1',
        issuer: IDP,
        nameID: 'ann@example.com',
        nameIDFormat: NAMEID_FORMATS.emailAddress,
        sessionIndex: '_session1',
      });
      let rejected: Error | undefined;
      await serviceProvider(other)
        .validatePostRequestAsync({ SAMLRequest: base64(xml) })
        .catch((error: Error) => (rejected = error));
      expect(rejected?.message).to.match(/Invalid signature/);
    });
  });
});
