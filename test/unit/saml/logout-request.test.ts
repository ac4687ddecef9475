import { plainRequestCode as plainCode, requestFailure as failure } from '../../helpers/errors.js';
import { requestFixture, requestFixtureNames } from '../../helpers/fixtures.js';
import { requestCheckContext, samlApplication } from '../../helpers/saml-application.js';
import { expect } from 'chai';
import { sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { Application, SamlpAddon } from '../../../src/clients/types.js';
import type { TestSigningKey as SigningKey } from '../../helpers/xml-tools.js';
import type { RequestCheckContext } from '../../../src/saml/authn-request.js';
import { decodeRedirectMessage, verifyRedirectSignature } from '../../../src/saml/bindings.js';
import {
  checkLogoutRequest,
  parseLogoutRequest,
  readSignedPostLogoutRequest,
  type LogoutRequestInfo,
} from '../../../src/saml/logout-request.js';
import { STATUS } from '../../../src/saml/status.js';
import { NAMEID_FORMATS, NS, elementPath } from '../../../src/xml/namespaces.js';
import { signXml } from '../../helpers/xml-crypto-signer.js';
import { makeSigningKey } from '../../helpers/xml-tools.js';

const fixture = requestFixture;
const logoutFixtures = (kind: 'valid' | 'hostile') => requestFixtureNames(kind).filter((name) => name.startsWith('logout-'));

const ISSUER = 'https://sp.example.com/metadata';
const SP_LOGOUT = 'https://sp.example.com/slo';
const ENDPOINT = 'https://idp.example.com/samlp/app1/logout';
const NOW = new Date('2026-11-22T02:30:00Z');
const DENIED = { code: STATUS.requester, subCode: STATUS.requestDenied };
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';

const application = (samlp: Partial<SamlpAddon> = {}): Application =>
  samlApplication({ audience: ISSUER, nameIdentifierFormat: NAMEID_FORMATS.emailAddress, logout: { callback: SP_LOGOUT }, ...samlp }, ['https://sp.example.com/acs'], NOW);
const context = (overrides: Partial<RequestCheckContext> = {}) => requestCheckContext(application(), ENDPOINT, NOW, overrides);


const full = fixture('valid', 'logout-nameid-and-two-session-indexes.xml');
const minimal = fixture('valid', 'logout-minimal.xml');

describe('saml/logout-request', () => {
  describe('parseLogoutRequest', () => {
    const valid: Record<string, Partial<LogoutRequestInfo>> = {
      'logout-nameid-and-two-session-indexes.xml': {
        id: '_l1b2c3d4e5f6',
        version: '2.0',
        issuer: ISSUER,
        issueInstant: NOW,
        destination: 'https://idp.example.com/samlp/app1/logout',
        nameId: 'u-123',
        nameIdFormat: NAMEID_FORMATS.persistent,
        nameQualifier: 'https://idp.example.com',
        spNameQualifier: ISSUER,
        sessionIndexes: ['_s1', '_s2'],
        notOnOrAfter: new Date('2026-11-22T02:35:00Z'),
        reason: 'urn:oasis:names:tc:SAML:2.0:logout:user',
        hasSignature: false,
      },
      'logout-minimal.xml': { nameId: 'alice@example.com', nameIdFormat: undefined, sessionIndexes: [], destination: undefined, notOnOrAfter: undefined },
    };
    const hostile: Record<string, string> = {
      'logout-doctype.xml': 'xml_doctype_forbidden',
      'logout-missing-issuer.xml': 'saml_request_issuer_missing',
      'logout-missing-nameid.xml': 'saml_logout_name_id_missing',
      'logout-two-nameids.xml': 'saml_logout_name_id_invalid',
      'logout-empty-nameid.xml': 'saml_logout_name_id_invalid',
      'logout-encrypted-id.xml': 'saml_logout_identifier_not_supported',
      'logout-comment-in-nameid.xml': 'saml_request_unexpected_content',
      'logout-not-on-or-after-not-a-date.xml': 'saml_request_invalid_attribute',
      'logout-nested-100-deep.xml': 'xml_too_deep',
      'logout-encoding-utf-7.xml': 'xml_encoding_unsupported',
    };
    it('covers every LogoutRequest fixture', () => {
      expect(logoutFixtures('valid')).to.have.members(Object.keys(valid));
      expect(logoutFixtures('hostile')).to.have.members(Object.keys(hostile));
    });
    for (const [name, expected] of Object.entries(valid)) {
      it(name, () => expect(parseLogoutRequest(fixture('valid', name))).to.deep.include(expected));
    }
    for (const [name, code] of Object.entries(hostile)) {
      it(`${name}: ${code}`, () => expect(plainCode(() => parseLogoutRequest(fixture('hostile', name)))).to.equal(code));
    }
    it('refuses an AuthnRequest', () => {
      expect(plainCode(() => parseLogoutRequest(fixture('valid', 'minimal.xml')))).to.equal('xml_unexpected_root');
    });
  });

  describe('checkLogoutRequest', () => {
    it("returns the application's logout URL, where the LogoutResponse goes", () => {
      expect(checkLogoutRequest(parseLogoutRequest(full), context())).to.equal(SP_LOGOUT);
      expect(checkLogoutRequest(parseLogoutRequest(minimal), context())).to.equal(SP_LOGOUT);
    });

    it('refuses as plain 400s: no logout URL, an unknown issuer', () => {
      const request = parseLogoutRequest(full);
      expect(plainCode(() => checkLogoutRequest(request, context({ app: application({ logout: undefined }) })))).to.equal(
        'saml_logout_callback_missing',
      );
      expect(plainCode(() => checkLogoutRequest(request, context({ app: application({ audience: 'urn:other' }) })))).to.equal(
        'saml_request_unknown_issuer',
      );
    });

    const refused: Array<[name: string, xml: string, overrides: Partial<RequestCheckContext>, code: string]> = [
      ['issued 181 s ago', minimal, { now: new Date(NOW.getTime() + 181_000) }, 'saml_request_expired'],
      ['issued 181 s ahead', minimal, { now: new Date(NOW.getTime() - 181_000) }, 'saml_request_not_yet_valid'],
      ['NotOnOrAfter passed more than the skew ago', full.replace('T02:35:00Z', 'T02:26:59Z'), {}, 'saml_request_expired'],
      ['signed without Destination', minimal, { signed: true }, 'saml_request_destination_missing'],
      ['signed, sent elsewhere', full, { signed: true, endpointUrls: ['https://idp.example.com/logout'] }, 'saml_request_destination_mismatch'],
      ['unsigned, sent elsewhere', full, { endpointUrls: ['https://idp.example.com/logout'] }, 'saml_request_destination_mismatch'],
      ['unsigned, for an application with a signingCert', full, { app: application({ signingCert: 'MIIB' }) }, 'saml_request_unsigned'],
    ];
    for (const [name, xml, overrides, code] of refused) {
      it(`${name}: ${code}, RequestDenied at the logout URL`, () => {
        const request = parseLogoutRequest(xml);
        const error = failure(() => checkLogoutRequest(request, context(overrides)));
        expect(error).to.include({ code, responseUrl: SP_LOGOUT, inResponseTo: request.id });
        expect(error.samlStatus).to.deep.equal(DENIED);
      });
    }

    it('accepts within the skew and before NotOnOrAfter', () => {
      const request = parseLogoutRequest(full);
      expect(checkLogoutRequest(request, context({ now: new Date(NOW.getTime() + 180_000), signed: true }))).to.equal(SP_LOGOUT);
    });
  });

  describe('signed LogoutRequests', () => {
    let sp: SigningKey;
    let other: SigningKey;
    let signed: string;

    before(async () => {
      [sp, other] = await Promise.all([makeSigningKey('sp.example.com'), makeSigningKey('other.example.com')]);
      signed = signXml(full, {
        key: sp,
        reference: { xpath: elementPath([NS.samlp, 'LogoutRequest']) },
        location: { reference: elementPath([NS.samlp, 'LogoutRequest'], [NS.saml, 'Issuer']), action: 'after' },
      });
    });

    it('HTTP-POST: verified with the SP certificate, read from the signed bytes only', () => {
      const request = readSignedPostLogoutRequest(signed, sp.published.certBase64);
      expect(request).to.deep.equal({ ...parseLogoutRequest(full), hasSignature: true });
      const app = application({ signingCert: sp.published.certBase64 });
      expect(checkLogoutRequest(request, context({ app, signed: true }))).to.equal(SP_LOGOUT);
    });

    it('HTTP-POST: refuses another key, a changed NameID or SessionIndex, no signature', () => {
      expect(plainCode(() => readSignedPostLogoutRequest(signed, other.published.certBase64))).to.equal('saml_signature_invalid');
      expect(plainCode(() => readSignedPostLogoutRequest(signed.replace('>u-123<', '>u-999<'), sp.published.certBase64))).to.equal(
        'saml_signature_invalid',
      );
      expect(plainCode(() => readSignedPostLogoutRequest(signed.replace('>_s2<', '>_s3<'), sp.published.certBase64))).to.equal(
        'saml_signature_invalid',
      );
      expect(plainCode(() => readSignedPostLogoutRequest(full, sp.published.certBase64))).to.equal('saml_signature_missing');
    });

    it('HTTP-POST: a NameID hidden in the signature is never read', () => {
      const hidden = signed.replace('<ds:KeyInfo>', '<ds:KeyInfo><saml:NameID>admin@example.com</saml:NameID>');
      expect(readSignedPostLogoutRequest(hidden, sp.published.certBase64).nameId).to.equal('u-123');
    });

    it('HTTP-Redirect: query signature verified, then the message decoded and parsed', () => {
      const content = `SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(full)).toString('base64'))}&RelayState=ss%3Amem%3A1&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
      const raw = `${content}&Signature=${encodeURIComponent(sign('sha256', Buffer.from(content), sp.privateKey).toString('base64'))}`;
      const query = verifyRedirectSignature(raw, sp.published.certBase64);
      const request = parseLogoutRequest(decodeRedirectMessage(query.message));
      expect(query.relayState).to.equal('ss:mem:1');
      expect(checkLogoutRequest(request, context({ signed: true }))).to.equal(SP_LOGOUT);
      expect(plainCode(() => verifyRedirectSignature(raw.replace('ss%3Amem%3A1', 'ss%3Amem%3A2'), sp.published.certBase64))).to.equal(
        'saml_signature_invalid',
      );
    });
  });
});
