import { plainRequestCode as plainCode, requestFailure as failure } from '../../helpers/errors.js';
import { requestFixture, requestFixtureNames } from '../../helpers/fixtures.js';
import { requestCheckContext, samlApplication } from '../../helpers/saml-application.js';
import { expect } from 'chai';
import type { Application, SamlpAddon } from '../../../src/clients/types.js';
import type { TestSigningKey as SigningKey } from '../../helpers/xml-tools.js';
import {
  checkAuthnRequest,
  noPassiveError,
  parseAuthnRequest,
  readSignedPostRequest,
  type AuthnRequestInfo,
  type RequestCheckContext,
} from '../../../src/saml/authn-request.js';
import { decodePostMessage } from '../../../src/saml/bindings.js';
import { STATUS } from '../../../src/saml/status.js';
import { BINDINGS, NAMEID_FORMATS, NS, elementPath } from '../../../src/xml/namespaces.js';
import { signXml } from '../../helpers/xml-crypto-signer.js';
import { makeSigningKey } from '../../helpers/xml-tools.js';

const fixture = requestFixture;
const authnFixtures = (kind: 'valid' | 'hostile') => requestFixtureNames(kind).filter((name) => name.endsWith('.xml') && !name.startsWith('logout-') && !name.startsWith('sp-metadata-'));

const ISSUER = 'https://sp.example.com/metadata';
const ACS = 'https://sp.example.com/acs';
const ENDPOINT = 'https://idp.example.com/samlp/app1';
const NOW = new Date('2026-11-22T02:30:00Z');
const DENIED = { code: STATUS.requester, subCode: STATUS.requestDenied };

const application = (samlp: Partial<SamlpAddon> = {}, callbacks = [ACS]): Application =>
  samlApplication({ audience: ISSUER, nameIdentifierFormat: NAMEID_FORMATS.unspecified, ...samlp }, callbacks, NOW);
const context = (overrides: Partial<RequestCheckContext> = {}) => requestCheckContext(application(), ENDPOINT, NOW, overrides);


const minimal = fixture('valid', 'minimal.xml');
const withAttributes = (attributes: string) => minimal.replace(' ID=', ` ${attributes} ID=`);

describe('saml/authn-request', () => {
  describe('parseAuthnRequest: valid requests', () => {
    const valid: Record<string, Partial<AuthnRequestInfo>> = {
      'shibboleth-sp3-authnrequest.xml': {
        id: '_fd52ee3be3194029841f9a0e34ab1389',
        version: '2.0',
        issuer: 'http://127.0.0.1:18093/shibboleth',
        issueInstant: new Date('2026-11-22T02:30:13Z'),
        destination: 'http://127.0.0.1:18090/sso',
        assertionConsumerServiceUrl: 'http://127.0.0.1:18093/Shibboleth.sso/SAML2/POST',
        assertionConsumerServiceIndex: undefined,
        protocolBinding: BINDINGS.httpPost,
        nameIdPolicyFormat: undefined,
        forceAuthn: false,
        isPassive: false,
        hasSignature: false,
      },
      'simplesamlphp-1.19-authnrequest.xml': {
        id: '_7b39f64ba93a9fffd9ff4f049e3d9e2275abe18bcc',
        issuer: 'http://127.0.0.1:18094/simplesaml/module.php/saml/sp/metadata.php/default-sp',
        issueInstant: new Date('2026-11-22T02:05:47Z'),
        assertionConsumerServiceUrl: 'http://127.0.0.1:18094/simplesaml/module.php/saml/sp/saml2-acs.php/default-sp',
        nameIdPolicyFormat: NAMEID_FORMATS.transient,
      },
      'minimal.xml': { issuer: ISSUER, issueInstant: NOW, destination: undefined, assertionConsumerServiceUrl: undefined, protocolBinding: undefined },
      'full-with-flags-and-nameid-policy.xml': { forceAuthn: true, isPassive: false, nameIdPolicyFormat: NAMEID_FORMATS.emailAddress, destination: ENDPOINT },
      'acs-index-0.xml': { assertionConsumerServiceIndex: 0, assertionConsumerServiceUrl: undefined },
      'xml-declaration-and-comment-before-root.xml': { issuer: ISSUER, assertionConsumerServiceUrl: ACS },
      'issuer-in-cdata.xml': { issuer: ISSUER },
      'issue-instant-fraction-and-offset.xml': { issueInstant: new Date('2026-11-22T02:30:00.123Z') },
      'default-namespace-prefixes.xml': { issuer: ISSUER, assertionConsumerServiceUrl: ACS },
    };
    it('covers every valid AuthnRequest fixture', () => {
      expect(authnFixtures('valid')).to.have.members(Object.keys(valid));
    });
    for (const [name, expected] of Object.entries(valid)) {
      it(name, () => expect(parseAuthnRequest(fixture('valid', name))).to.deep.include(expected));
    }
  });

  describe('parseAuthnRequest: hostile or broken requests, refused as plain 400s', () => {
    const hostile: Record<string, string> = {
      'doctype-billion-laughs.xml': 'xml_doctype_forbidden',
      'external-entity.xml': 'xml_doctype_forbidden',
      'external-dtd.xml': 'xml_doctype_forbidden',
      'entity-declaration-without-doctype.xml': 'xml_entity_forbidden',
      'undeclared-entity-reference.xml': 'xml_malformed',
      'two-roots.xml': 'xml_multiple_roots',
      'text-after-root.xml': 'xml_content_outside_root',
      'processing-instruction-in-request.xml': 'xml_pi_forbidden',
      'unbound-prefix.xml': 'xml_malformed',
      'wrong-root.xml': 'xml_unexpected_root',
      'wrong-root-namespace.xml': 'xml_unexpected_root',
      'wrong-root-logout-request.xml': 'xml_unexpected_root',
      'missing-version.xml': 'saml_request_missing_attribute',
      'version-not-a-number.xml': 'saml_request_invalid_attribute',
      'missing-id.xml': 'saml_request_missing_attribute',
      'id-in-foreign-namespace.xml': 'saml_request_missing_attribute',
      'id-empty.xml': 'saml_request_invalid_id',
      'id-starting-with-digit.xml': 'saml_request_invalid_id',
      'id-with-colon.xml': 'saml_request_invalid_id',
      'missing-issue-instant.xml': 'saml_request_missing_attribute',
      'issue-instant-without-timezone.xml': 'saml_request_invalid_issue_instant',
      'issue-instant-february-30.xml': 'saml_request_invalid_issue_instant',
      'issue-instant-not-a-date.xml': 'saml_request_invalid_issue_instant',
      'missing-issuer.xml': 'saml_request_issuer_missing',
      'issuer-empty.xml': 'saml_request_issuer_missing',
      'issuer-whitespace-only.xml': 'saml_request_issuer_missing',
      'issuer-in-protocol-namespace.xml': 'saml_request_issuer_missing',
      'issuer-whitespace-around.xml': 'saml_request_issuer_invalid',
      'two-issuers.xml': 'saml_request_issuer_invalid',
      'issuer-not-first.xml': 'saml_request_issuer_invalid',
      'issuer-format-not-entity.xml': 'saml_request_issuer_invalid',
      'comment-in-issuer.xml': 'saml_request_unexpected_content',
      'element-in-issuer.xml': 'saml_request_unexpected_content',
      'acs-url-and-index.xml': 'saml_request_invalid_attribute',
      'acs-index-not-a-number.xml': 'saml_request_invalid_attribute',
      'force-authn-not-boolean.xml': 'saml_request_invalid_attribute',
      'two-nameid-policies.xml': 'saml_request_invalid_element',
      'nested-20000-deep-with-dummy-signature.xml': 'xml_too_deep',
      'nested-20000-deep-unclosed.xml': 'xml_too_deep',
      'element-count-10001-siblings.xml': 'xml_too_many_elements',
      'encoding-utf-7.xml': 'xml_encoding_unsupported',
      'text-between-declaration-and-root.xml': 'xml_content_outside_root',
      'text-between-comment-and-root.xml': 'xml_content_outside_root',
      'allow-create-not-boolean.xml': 'saml_request_invalid_attribute',
    };
    const refusedByCheck: Record<string, string> = {
      'wrong-version.xml': STATUS.versionMismatch,
      'version-too-high.xml': STATUS.versionMismatch,
    };
    it('reads ForceAuthn and IsPassive as xs:boolean (true/1, false/0, whitespace collapsed); anything else names the attribute', () => {
      const flags: Array<[attributes: string, forceAuthn: boolean, isPassive: boolean]> = [
        ['ForceAuthn="1" IsPassive="0"', true, false],
        ['ForceAuthn=" true " IsPassive="false"', true, false],
        ['ForceAuthn="0" IsPassive="1"', false, true],
      ];
      for (const [attributes, forceAuthn, isPassive] of flags) {
        expect(parseAuthnRequest(withAttributes(attributes)), attributes).to.deep.include({ forceAuthn, isPassive });
      }
      for (const attributes of ['ForceAuthn="TRUE"', 'IsPassive="yes"', 'IsPassive=""']) {
        const error = failure(() => parseAuthnRequest(withAttributes(attributes)));
        expect(error.code, attributes).to.equal('saml_request_invalid_attribute');
        expect(error.message, attributes).to.include(attributes.split('=')[0]!);
      }
    });

    it('covers every hostile AuthnRequest fixture', () => {
      expect(authnFixtures('hostile')).to.have.members([...Object.keys(hostile), ...Object.keys(refusedByCheck)]);
    });
    for (const [name, code] of Object.entries(hostile)) {
      it(`${name}: ${code}`, () => expect(plainCode(() => parseAuthnRequest(fixture('hostile', name)))).to.equal(code));
    }
    it('another Version parses, then is answered VersionMismatch at the ACS (core 3.2.2.2)', () => {
      for (const [name, subCode] of [
        ['wrong-version.xml', 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow'],
        ['version-too-high.xml', 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh'],
      ] as const) {
        const error = failure(() => checkAuthnRequest(parseAuthnRequest(fixture('hostile', name)), context()));
        expect(error.code).to.equal('saml_request_version_mismatch');
        expect(error.samlStatus).to.deep.equal({ code: refusedByCheck[name], subCode });
        expect(error.responseUrl).to.equal(ACS);
      }
    });
  });

  describe('checkAuthnRequest', () => {
    it('accepts the real SP samples for an application registered with their ACS and issuer', () => {
      for (const name of ['shibboleth-sp3-authnrequest.xml', 'simplesamlphp-1.19-authnrequest.xml']) {
        const request = parseAuthnRequest(fixture('valid', name));
        const app = application({ audience: request.issuer }, ['https://other.example/acs', request.assertionConsumerServiceUrl!]);
        const checked = checkAuthnRequest(request, { app, endpointUrls: ['http://127.0.0.1:18090/sso'], now: request.issueInstant, signed: false });
        expect(checked).to.equal(request.assertionConsumerServiceUrl);
      }
    });

    it('answers at the requested ACS when it is a callback, else at the first callback; index 0 is the first', () => {
      const callbacks = ['https://sp.example.com/first', ACS];
      const app = application({}, callbacks);
      expect(checkAuthnRequest(parseAuthnRequest(fixture('valid', 'xml-declaration-and-comment-before-root.xml')), context({ app }))).to.equal(ACS);
      expect(checkAuthnRequest(parseAuthnRequest(minimal), context({ app }))).to.equal(callbacks[0]);
      expect(checkAuthnRequest(parseAuthnRequest(fixture('valid', 'acs-index-0.xml')), context({ app }))).to.equal(callbacks[0]);
    });

    const badAcs: Array<[name: string, acs: string]> = [
      ['another host', 'https://attacker.example/acs'],
      ['different case', 'https://SP.example.com/acs'],
      ['different path case', 'https://sp.example.com/ACS'],
      ['a trailing slash', `${ACS}/`],
      ['a longer path (prefix match)', `${ACS}/../../attacker`],
      ['a query added', `${ACS}?next=https://attacker.example`],
      ['http instead of https', 'http://sp.example.com/acs'],
      ['an explicit default port', 'https://sp.example.com:443/acs'],
    ];
    for (const [name, acs] of badAcs) {
      it(`refuses an ACS URL that is not exactly a callback: ${name} (plain 400, never posted to)`, () => {
        const request = parseAuthnRequest(withAttributes(`AssertionConsumerServiceURL="${acs}"`));
        expect(plainCode(() => checkAuthnRequest(request, context()))).to.equal('saml_acs_not_allowed');
      });
    }

    it('refuses as plain 400s: unsupported ACS index, no callbacks, an unknown issuer, an app without SAML', () => {
      const indexed = parseAuthnRequest(withAttributes('AssertionConsumerServiceIndex="1"'));
      expect(plainCode(() => checkAuthnRequest(indexed, context()))).to.equal('saml_acs_index_not_supported');
      const request = parseAuthnRequest(minimal);
      expect(plainCode(() => checkAuthnRequest(request, context({ app: application({}, []) })))).to.equal('saml_acs_not_allowed');
      expect(plainCode(() => checkAuthnRequest(request, context({ app: application({ audience: 'https://other.example' }) })))).to.equal(
        'saml_request_unknown_issuer',
      );
      const noSaml = { ...application(), addons: {} };
      expect(plainCode(() => checkAuthnRequest(request, context({ app: noSaml })))).to.equal('saml_app_not_configured');
    });

    const skewCases: Array<[name: string, offsetSeconds: number, skewSeconds: number | undefined, code: string | undefined]> = [
      ['issued 180 s ago (default skew)', 180, undefined, undefined],
      ['issued 181 s ago', 181, undefined, 'saml_request_expired'],
      ['issued 180 s in the future', -180, undefined, undefined],
      ['issued 181 s in the future', -181, undefined, 'saml_request_not_yet_valid'],
      ['issued 1 hour ago', 3600, undefined, 'saml_request_expired'],
      ['issued 31 s ago with a 30 s skew', 31, 30, 'saml_request_expired'],
      ['issued 31 s ahead with a 30 s skew', -31, 30, 'saml_request_not_yet_valid'],
    ];
    for (const [name, offset, skewSeconds, code] of skewCases) {
      it(`IssueInstant ${name}: ${code ?? 'accepted'}`, () => {
        const now = new Date(NOW.getTime() + offset * 1000);
        const run = () => checkAuthnRequest(parseAuthnRequest(minimal), context({ now, skewSeconds }));
        if (code === undefined) return void expect(run()).to.equal(ACS);
        const error = failure(run);
        expect(error.code).to.equal(code);
        expect(error.samlStatus).to.deep.equal(DENIED);
      });
    }

    const destinationCases: Array<[name: string, destination: string | undefined, signed: boolean, code: string | undefined]> = [
      ['signed, Destination is ours', ENDPOINT, true, undefined],
      ['signed, no Destination (bindings 3.4.5.2, 3.5.5.2)', undefined, true, 'saml_request_destination_missing'],
      ['signed, Destination elsewhere', 'https://other-idp.example/sso', true, 'saml_request_destination_mismatch'],
      ['signed, Destination with a trailing slash', `${ENDPOINT}/`, true, 'saml_request_destination_mismatch'],
      ['unsigned, no Destination', undefined, false, undefined],
      ['unsigned, Destination is ours', ENDPOINT, false, undefined],
      ['unsigned, Destination elsewhere', 'https://other-idp.example/sso', false, 'saml_request_destination_mismatch'],
    ];
    for (const [name, destination, signed, code] of destinationCases) {
      it(`${name}: ${code ?? 'accepted'}`, () => {
        const request = parseAuthnRequest(destination === undefined ? minimal : withAttributes(`Destination="${destination}"`));
        const run = () => checkAuthnRequest(request, context({ signed, endpointUrls: ['https://idp.example.com/samlp', ENDPOINT] }));
        if (code === undefined) return void expect(run()).to.equal(ACS);
        const error = failure(run);
        expect(error).to.include({ code, responseUrl: ACS, inResponseTo: request.id });
        expect(error.samlStatus).to.deep.equal(DENIED);
      });
    }

    it('an application with a signingCert refuses an unsigned request: RequestDenied at the ACS', () => {
      const request = parseAuthnRequest(minimal);
      const app = application({ signingCert: 'MIIB' });
      const error = failure(() => checkAuthnRequest(request, context({ app })));
      expect(error).to.include({ code: 'saml_request_unsigned', responseUrl: ACS, inResponseTo: '_a1b2c3d4e5f6' });
      expect(error.samlStatus).to.deep.equal(DENIED);
    });

    it('refuses a response binding other than HTTP-POST: Requester/UnsupportedBinding', () => {
      for (const binding of [BINDINGS.httpRedirect, 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Artifact']) {
        const error = failure(() => checkAuthnRequest(parseAuthnRequest(withAttributes(`ProtocolBinding="${binding}"`)), context()));
        expect(error.code).to.equal('saml_request_unsupported_binding');
        expect(error.samlStatus).to.deep.equal({ code: STATUS.requester, subCode: STATUS.unsupportedBinding });
      }
    });

    it('noPassiveError is Responder/NoPassive for the ACS, in response to the request', () => {
      const error = noPassiveError(parseAuthnRequest(minimal), ACS);
      expect(error).to.include({ code: 'saml_no_passive', status: 400, responseUrl: ACS, inResponseTo: '_a1b2c3d4e5f6' });
      expect(error.samlStatus).to.deep.equal({ code: STATUS.responder, subCode: STATUS.noPassive });
      expect(noPassiveError({}, ACS).inResponseTo, 'IdP-initiated: no InResponseTo').to.equal(undefined);
    });
  });

  describe('readSignedPostRequest (HTTP-POST, enveloped XML signature)', () => {
    let sp: SigningKey;
    let other: SigningKey;
    let signed: string;
    const request = fixture('valid', 'full-with-flags-and-nameid-policy.xml');
    const signatureOf = (xml: string) => /<ds:Signature[\s\S]*<\/ds:Signature>/.exec(xml)![0];

    before(async () => {
      [sp, other] = await Promise.all([makeSigningKey('sp.example.com'), makeSigningKey('other.example.com')]);
      signed = signXml(request, {
        key: sp,
        reference: { xpath: elementPath([NS.samlp, 'AuthnRequest']) },
        location: { reference: elementPath([NS.samlp, 'AuthnRequest'], [NS.saml, 'Issuer']), action: 'after' },
      });
    });

    it("verifies with the SP's certificate (base64 DER or PEM) and reads what the SP sent", () => {
      const expected = { ...parseAuthnRequest(request), hasSignature: true };
      const posted = Buffer.from(signed).toString('base64');
      expect(readSignedPostRequest(decodePostMessage(posted), sp.published.certBase64)).to.deep.equal(expected);
      expect(readSignedPostRequest(signed, sp.published.certPem)).to.deep.equal(expected);
      const app = application({ signingCert: sp.published.certPem });
      expect(checkAuthnRequest(readSignedPostRequest(signed, sp.published.certBase64), context({ app, signed: true }))).to.equal(ACS);
    });

    it('refuses an unsigned request, another key, and a changed request', () => {
      expect(plainCode(() => readSignedPostRequest(request, sp.published.certBase64))).to.equal('saml_signature_missing');
      expect(plainCode(() => readSignedPostRequest(signed, other.published.certBase64))).to.equal('saml_signature_invalid');
      const redirected = signed.replace(`AssertionConsumerServiceURL="${ACS}"`, 'AssertionConsumerServiceURL="https://attacker.example/acs"');
      expect(plainCode(() => readSignedPostRequest(redirected, sp.published.certBase64))).to.equal('saml_signature_invalid');
      const forced = signed.replace('ForceAuthn="true"', 'ForceAuthn="false"');
      expect(plainCode(() => readSignedPostRequest(forced, sp.published.certBase64))).to.equal('saml_signature_invalid');
    });

    it('reads only the signed bytes: an Issuer or a request hidden in the signature changes nothing', () => {
      const hidden = signed.replace(
        '<ds:KeyInfo>',
        `<ds:KeyInfo><saml:Issuer>https://attacker.example</saml:Issuer><samlp:AuthnRequest ID="_evil" AssertionConsumerServiceURL="https://attacker.example/acs"/>`,
      );
      expect(readSignedPostRequest(hidden, sp.published.certBase64)).to.deep.include({ issuer: ISSUER, assertionConsumerServiceUrl: ACS });
    });

    it('reads only the signed bytes: a comment slipped into the Issuer (outside canonical XML) is not read', () => {
      const commented = signed.replace(`>${ISSUER}<`, '>https://sp.example.com<!-- x -->/metadata<');
      expect(plainCode(() => parseAuthnRequest(commented))).to.equal('saml_request_unexpected_content');
      expect(readSignedPostRequest(commented, sp.published.certBase64).issuer).to.equal(ISSUER);
    });

    it('refuses signature wrapping: the signed request moved inside an attacker root', () => {
      const signature = signatureOf(signed);
      const original = signed.replace(signature, '');
      const evilRoot = (id: string, inner: string) =>
        `<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" xmlns:saml="${NS.saml}" ID="${id}" Version="2.0" IssueInstant="2026-11-22T02:30:00Z" ` +
        `AssertionConsumerServiceURL="https://attacker.example/acs"><saml:Issuer>${ISSUER}</saml:Issuer>${inner}</samlp:AuthnRequest>`;
      const cases: Array<[string, string]> = [
        [evilRoot('_evil', `<samlp:Extensions>${signed}</samlp:Extensions>`), 'saml_signature_missing'],
        [evilRoot('_evil', `${signature}<samlp:Extensions>${original}</samlp:Extensions>`), 'saml_signature_invalid'],
        [evilRoot('_a1b2c3d4e5f6', `${signature}<samlp:Extensions>${original}</samlp:Extensions>`), 'saml_signature_invalid'],
      ];
      for (const [xml, code] of cases) expect(plainCode(() => readSignedPostRequest(xml, sp.published.certBase64))).to.equal(code);
    });

    it('refuses a 20,000-deep request before any signature work, and SHA-1 unless allowed', () => {
      expect(plainCode(() => readSignedPostRequest(fixture('hostile', 'nested-20000-deep-with-dummy-signature.xml'), sp.published.certBase64))).to.equal('xml_too_deep');
      const sha1 = signXml(request, {
        key: sp,
        reference: { xpath: elementPath([NS.samlp, 'AuthnRequest']) },
        location: { reference: elementPath([NS.samlp, 'AuthnRequest'], [NS.saml, 'Issuer']), action: 'after' },
        signatureAlgorithm: 'rsa-sha1',
        digestAlgorithm: 'sha1',
      });
      expect(plainCode(() => readSignedPostRequest(sha1, sp.published.certBase64))).to.equal('saml_signature_algorithm_not_allowed');
      expect(readSignedPostRequest(sha1, sp.published.certBase64, true).issuer).to.equal(ISSUER);
    });

    it('refuses content outside the signed root', () => {
      const sibling = `${signed}<saml:Issuer xmlns:saml="${NS.saml}">https://attacker.example</saml:Issuer>`;
      expect(plainCode(() => readSignedPostRequest(sibling, sp.published.certBase64))).to.equal('xml_multiple_roots');
      expect(plainCode(() => readSignedPostRequest(`${signed}trailing`, sp.published.certBase64))).to.equal('xml_content_outside_root');
    });
  });
});
