// Signed AuthnRequests and LogoutRequests made by an independent implementation, sent to the real
// server: xmlsec1 --sign (enveloped, rsa-sha256, exc-c14n) for HTTP-POST, openssl dgst -sign over
// `SAMLRequest=…&RelayState=…&SigAlg=…` for HTTP-Redirect, with the test SP's key from fixtures/keys/.
// fedmeta's own signer and node-saml share xml-crypto, so only these prove interoperable verification.
// Each signed request is accepted; a copy changed after signing is refused with saml_signature_invalid.
import { expect } from 'chai';
import { deflateRawSync } from 'node:zlib';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, expectErrorPage, readForm, type Page } from '../helpers/browser.js';
import { requireTool } from '../helpers/xml-tools.js';
import { opensslSignedQuery, testSpCertPem, xmlsecSign } from '../helpers/independent-signer.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SP = 'https://independent-sp.example.com';
const ACS = `${SP}/acs`;
const SLO = `${SP}/slo`;

let counter = 0;
const newId = () => `_independent-${++counter}-${Date.now()}`;
const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
const deflated = (xml: string) => deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');

function authnRequest(destination: string, acs = ACS): string {
  return (
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${newId()}" Version="2.0" IssueInstant="${new Date().toISOString()}" ` +
    `Destination="${destination}" AssertionConsumerServiceURL="${acs}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${SP}</saml:Issuer></samlp:AuthnRequest>`
  );
}

function logoutRequest(destination: string, nameId = 'ann@example.com'): string {
  return (
    `<samlp:LogoutRequest xmlns:samlp="${SAMLP}" xmlns:saml="${SAML}" ID="${newId()}" Version="2.0" IssueInstant="${new Date().toISOString()}" ` +
    `Destination="${destination}"><saml:Issuer>${SP}</saml:Issuer>` +
    `<saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${nameId}</saml:NameID></samlp:LogoutRequest>`
  );
}

/** The status of the LogoutResponse a page posts to the SP, and where it posts it. */
function postedLogoutResponse(page: Page): { action: string; status: string | undefined } {
  const form = readForm(page.body, page.url);
  const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8');
  return { action: form.action, status: /<samlp:StatusCode Value="([^"]+)"/.exec(xml)?.[1] };
}

describe('SAML requests signed by xmlsec1 and openssl (not by xml-crypto), at the real server', () => {
  let server: TestServer;
  let clientId: string;
  const sso = () => `${server.url}/samlp/${clientId}`;
  const slo = () => `${server.url}/samlp/${clientId}/logout`;
  const post = (url: string, xml: string) => new Browser().request(url, { form: { SAMLRequest: base64(xml), RelayState: 'r' } });
  const redirect = (url: string, query: string) => new Browser().request(`${url}?${query}`);

  before(async () => {
    server = await startTestServer();
    const samlp = { audience: SP, signingCert: testSpCertPem(), logout: { callback: SLO } };
    clientId = (await server.services.clients.create({ name: 'Independent SP', callbacks: [ACS, `${ACS}2`], addons: { samlp } }, { type: 'system', id: 'test' })).clientId;
  });
  after(async () => server.destroy());

  describe('HTTP-POST, enveloped signature by xmlsec1 --sign', () => {
    beforeEach(function () {
      requireTool(this, 'xmlsec1');
    });

    it('an AuthnRequest is accepted; the same request with its ACS changed after signing is refused', async () => {
      const signed = xmlsecSign(authnRequest(sso()), { idNode: `${SAMLP}:AuthnRequest` });
      const accepted = await post(sso(), signed);
      expect(accepted.status, accepted.body.slice(0, 300)).to.equal(303);
      expect(accepted.headers.get('location')).to.match(/^\/login\?state=[\w-]+$/);
      const tampered = xmlsecSign(authnRequest(sso()), { idNode: `${SAMLP}:AuthnRequest` }).replace(`AssertionConsumerServiceURL="${ACS}"`, `AssertionConsumerServiceURL="${ACS}2"`);
      expectErrorPage(await post(sso(), tampered), 'saml_signature_invalid');
    });

    it('a LogoutRequest is accepted (a LogoutResponse posted to the SP); a changed NameID is refused', async () => {
      const signed = xmlsecSign(logoutRequest(slo()), { idNode: `${SAMLP}:LogoutRequest` });
      const answered = await post(slo(), signed);
      expect(answered.status, answered.body.slice(0, 300)).to.equal(200);
      expect(postedLogoutResponse(answered)).to.deep.equal({ action: SLO, status: 'urn:oasis:names:tc:SAML:2.0:status:Success' });
      const tampered = xmlsecSign(logoutRequest(slo()), { idNode: `${SAMLP}:LogoutRequest` }).replace('ann@example.com', 'bob@example.com');
      expectErrorPage(await post(slo(), tampered), 'saml_signature_invalid');
    });
  });

  describe('HTTP-Redirect, query signature by openssl dgst -sha256 -sign', () => {
    beforeEach(function () {
      requireTool(this, 'openssl');
    });

    it('an AuthnRequest is accepted; a changed RelayState is refused', async () => {
      const accepted = await redirect(sso(), opensslSignedQuery(deflated(authnRequest(sso())), 'state'));
      expect(accepted.status, accepted.body.slice(0, 300)).to.equal(303);
      expect(accepted.headers.get('location')).to.match(/^\/login\?state=[\w-]+$/);
      const tampered = opensslSignedQuery(deflated(authnRequest(sso())), 'state').replace('RelayState=state', 'RelayState=other');
      expectErrorPage(await redirect(sso(), tampered), 'saml_signature_invalid');
    });

    it('a LogoutRequest is accepted (a signed LogoutResponse redirected to the SP); a changed RelayState is refused', async () => {
      const answered = await redirect(slo(), opensslSignedQuery(deflated(logoutRequest(slo())), 'bye'));
      expect(answered.status, answered.body.slice(0, 300)).to.equal(303);
      const location = new URL(answered.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).to.equal(SLO);
      expect([...location.searchParams.keys()]).to.deep.equal(['SAMLResponse', 'RelayState', 'SigAlg', 'Signature']);
      const tampered = opensslSignedQuery(deflated(logoutRequest(slo())), 'bye').replace('RelayState=bye', 'RelayState=other');
      expectErrorPage(await redirect(slo(), tampered), 'saml_signature_invalid');
    });
  });
});
