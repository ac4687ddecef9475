import { profileOf } from '../../../src/users/types.js';
import { expect } from 'chai';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { buildRstr } from '../../../src/wsfed/rstr.js';
import { randomIds } from '../../../src/ids.js';
import { buildSignedWresult, buildSignedWresultAsync, type SignInInput, type WsfedApp } from '../../../src/wsfed/signin.js';
import { KEY_TYPE_BEARER, REQUEST_TYPE_ISSUE, TOKEN_TYPES } from '../../../src/wsfed/namespaces.js';
import { saml11AssertionElement, signSaml11Assertion } from '../../../src/wsfed/saml11-assertion.js';
import { NS } from '../../../src/xml/namespaces.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { ASSERTION_SCHEMA, extractAssertion, makeSigningKey, requireTool, xmllintValidate, xmlsecVerify } from '../../helpers/xml-tools.js';
import { RP_NS, TokenRejected, acceptWresult, children, elements, parseXml } from './relying-party.js';

const MARKUP = '<b>Ann & "Bo"</b> ]]> Zoë\n😀';
const CLAIM = (name: string) => `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/${name}`;
const NOW = new Date('2030-01-02T03:04:05.678Z');
const WREPLY = 'https://rp.example.com/signin';

function signInInput(key: SigningKey, tokenFormat: 'saml11' | 'saml20'): SignInInput {
  const app: WsfedApp = {
    clientId: 'c1',
    name: 'RP',
    callbacks: [WREPLY],
    addons: { wsfed: { realm: 'urn:rp:app', tokenFormat, lifetimeInSeconds: 600 } },
    createdAt: NOW,
    updatedAt: NOW,
  };
  return {
    entityId: 'urn:fedmeta.test',
    ids: randomIds,
    app,
    wreply: WREPLY,
    profile: profileOf({ userId: 'fedmeta|u1', email: 'ann@example.com', name: MARKUP, admin: false, attributes: { secret: 'not released' }, passwordHash: 'x', createdAt: NOW, blocked: false, updatedAt: NOW }),
    session: { createdAt: new Date('2030-01-02T02:00:00Z'), expiresAt: new Date('2030-01-02T10:00:00Z') },
    key,
    now: NOW,
  };
}

describe('wsfed/rstr and signin: the wresult RequestSecurityTokenResponse', () => {
  let key: SigningKey;
  let other: SigningKey;
  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey()]);
  });
  const expectations = (certs = [key.published.certBase64], now = new Date(NOW.getTime() + 1000)) => ({ certs, realm: 'urn:rp:app', issuer: 'urn:fedmeta.test', now });

  it('has Lifetime, AppliesTo, RequestedSecurityToken, TokenType, RequestType Issue and KeyType bearer (WS-Trust 2005/02)', () => {
    const token = signSaml11Assertion(saml11AssertionElement({ id: '_a1', issuer: 'urn:i', now: NOW, audience: 'urn:rp:app', lifetimeInSeconds: 60, nameIdentifier: 'u', claims: [[CLAIM('name'), MARKUP]], authenticationInstant: NOW }), key);
    const xml = buildRstr({ signedToken: token, tokenType: TOKEN_TYPES.saml11, appliesTo: 'urn:rp:app', created: NOW, expires: new Date(NOW.getTime() + 60_000) });
    expect(xml, 'the signed bytes, unchanged').to.include(token);
    const root = parseXml(xml).documentElement!;
    expect([root.namespaceURI, root.localName]).to.deep.equal([RP_NS.t, 'RequestSecurityTokenResponse']);
    expect(children(root).map((c) => c.localName)).to.deep.equal(['Lifetime', 'AppliesTo', 'RequestedSecurityToken', 'TokenType', 'RequestType', 'KeyType']);
    expect(elements(root, RP_NS.wsu, 'Created')[0]!.textContent).to.equal('2030-01-02T03:04:05Z');
    expect(elements(root, RP_NS.wsu, 'Expires')[0]!.textContent).to.equal('2030-01-02T03:05:05Z');
    expect(elements(elements(root, RP_NS.wsp, 'AppliesTo')[0]!, NS.wsa, 'Address')[0]!.textContent).to.equal('urn:rp:app');
    expect(['TokenType', 'RequestType', 'KeyType'].map((n) => elements(root, RP_NS.t, n)[0]!.textContent)).to.deep.equal([TOKEN_TYPES.saml11, REQUEST_TYPE_ISSUE, KEY_TYPE_BEARER]);
  });

  for (const format of ['saml11', 'saml20'] as const) {
    describe(`tokenFormat ${format}`, () => {
      it('embeds the signed assertion byte for byte, and its signature still verifies inside the RSTR', function () {
        const { wresult, assertionId, tokenType } = buildSignedWresult(signInInput(key, format));
        expect(tokenType).to.equal(TOKEN_TYPES[format]);
        const assertionNs = format === 'saml11' ? NS.saml1 : NS.saml;
        const idAttribute = format === 'saml11' ? 'AssertionID' : 'ID';
        const token = /<saml:Assertion[\s\S]*<\/saml:Assertion>/.exec(wresult)![0];
        expect(parseXml(token).documentElement!.getAttribute(idAttribute)).to.equal(assertionId);
        const verified = verifyXmlSignature(wresult, [key.published.certBase64], {
          element: [[RP_NS.t, 'RequestSecurityTokenResponse'], [RP_NS.t, 'RequestedSecurityToken'], [assertionNs, 'Assertion']],
          idAttribute,
        });
        expect(verified.signedXml).to.include(assertionId);
        requireTool(this, 'xmlsec1');
        const ok = xmlsecVerify(wresult, key.published.certPem, `${assertionNs}:Assertion`, idAttribute);
        expect(ok.ok, ok.output).to.equal(true);
        expect(xmlsecVerify(wresult, other.published.certPem, `${assertionNs}:Assertion`, idAttribute).ok).to.equal(false);
      });

      it('a strict relying party accepts it: audience, lifetime, AppliesTo, claims with markup byte-exact', function () {
        requireTool(this, 'xmlsec1');
        const { wresult } = buildSignedWresult(signInInput(key, format));
        const token = acceptWresult(wresult, expectations());
        expect(token.tokenType).to.equal(TOKEN_TYPES[format]);
        expect(token.nameId).to.equal('fedmeta|u1');
        expect(token.claims).to.deep.equal({ [CLAIM('nameidentifier')]: 'fedmeta|u1', [CLAIM('emailaddress')]: 'ann@example.com', [CLAIM('name')]: MARKUP });
        expect([token.notBefore.toISOString(), token.notOnOrAfter.toISOString()]).to.deep.equal(['2030-01-02T03:04:05.000Z', '2030-01-02T03:14:05.000Z']);
      });

      it('the relying party refuses another key, another realm, an expired token and a changed claim', function () {
        requireTool(this, 'xmlsec1');
        const { wresult } = buildSignedWresult(signInInput(key, format));
        expect(() => acceptWresult(wresult, expectations([other.published.certBase64]))).to.throw(TokenRejected, /signature/);
        expect(() => acceptWresult(wresult, { ...expectations(), realm: 'urn:rp:other' })).to.throw(TokenRejected, /AppliesTo/);
        expect(() => acceptWresult(wresult, expectations(undefined, new Date(NOW.getTime() + 600_000)))).to.throw(TokenRejected, /Lifetime|valid/);
        expect(() => acceptWresult(wresult.replace('ann@example.com', 'eve@example.com'), expectations())).to.throw(TokenRejected, /signature/);
      });
    });
  }

  it('buildSignedWresultAsync (the sign-in path) emits the same bytes as buildSignedWresult, in both token formats', async () => {
    for (const format of ['saml11', 'saml20'] as const) {
      let counter = 0;
      const input = () => ({ ...signInInput(key, format), ids: { ...randomIds, samlId: () => `_id${++counter}` } });
      counter = 0;
      const sync = buildSignedWresult(input());
      counter = 0;
      const offLoop = await buildSignedWresultAsync(input());
      expect(offLoop, format).to.deep.equal(sync);
    }
  });

  it('saml20: reuses the SAML 2.0 assertion with Audience = realm, Recipient = wreply, schema-valid', function () {
    const { wresult } = buildSignedWresult(signInInput(key, 'saml20'));
    const assertion = parseXml(extractAssertion(wresult)).documentElement!;
    expect(elements(assertion, NS.saml, 'Audience').map((a) => a.textContent)).to.deep.equal(['urn:rp:app']);
    expect(elements(assertion, NS.saml, 'SubjectConfirmationData')[0]!.getAttribute('Recipient')).to.equal(WREPLY);
    expect(elements(assertion, NS.saml, 'SubjectConfirmationData')[0]!.hasAttribute('InResponseTo')).to.equal(false);
    requireTool(this, 'xmllint');
    const result = xmllintValidate(extractAssertion(wresult), ASSERTION_SCHEMA);
    expect(result.ok, result.output).to.equal(true);
  });
});
