// Sign-in and access tokens signed inside a SoftHSM2 token, checked by independent verifiers that
// trust only what fedmeta publishes: node-saml and xmlsec1 (SP-initiated SAML 2.0, rsa-sha256 and
// rsa-sha1), a strict WS-Fed relying party and xmlsec1 (SAML 1.1 and 2.0 tokens; metadata signed by
// the metadata-signing key, also in the token), jose (an access token against the JWKS).
import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { addApiClient, managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser, readForm, type Page } from '../helpers/browser.js';
import { startNodeSamlSp, type SpResult, type TestSp } from '../helpers/node-saml-sp.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { requireTool, xmlsecVerify } from '../helpers/xml-tools.js';
import { createToken, requireSoftHsm, type SoftHsmToken } from '../helpers/softhsm.js';
import { acceptWresult, readFederationMetadata } from '../unit/wsfed/relying-party.js';

const PASSWORD = 'correct horse battery';
const SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAML11 = 'urn:oasis:names:tc:SAML:1.0:assertion';
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

describe('PKCS#11: sign-in and access tokens signed in a SoftHSM2 token', function () {
  let token: SoftHsmToken;
  let server: TestServer;
  let admin: ManagementCall;
  const sps: TestSp[] = [];

  before(async function () {
    requireSoftHsm(this);
    requireTool(this, 'xmlsec1');
    token = createToken('fedmeta-signin');
    server = await startTestServer({ env: token.env });
    admin = await managementClient(server, 'create:clients update:clients create:users read:signing_keys');
    expect((await admin('/api/v2/users', { method: 'POST', json: { email: 'ann@example.com', password: PASSWORD, name: 'Ann' } })).status).to.equal(201);
  });
  after(async () => {
    await Promise.all(sps.map((sp) => sp.close()));
    await server?.destroy();
    token?.remove();
  });

  async function samlSp(name: string, signatureAlgorithm: 'rsa-sha256' | 'rsa-sha1'): Promise<TestSp> {
    const created = await admin('/api/v2/clients', { method: 'POST', json: { name, callbacks: ['http://127.0.0.1/placeholder'], addons: { samlp: { audience: `urn:sp:${name}` } } } });
    const { client_id: clientId } = (await created.json()) as { client_id: string };
    const metadataSignerPem = await (await fetch(`${server.url}/metadata-signer.pem`)).text();
    const sp = await startNodeSamlSp({ metadataUrl: `${server.url}/samlp/metadata/${clientId}`, entityId: `urn:sp:${name}`, metadataSignerPem });
    sps.push(sp);
    const digestAlgorithm = signatureAlgorithm === 'rsa-sha1' ? 'sha1' : 'sha256';
    const patched = await admin(`/api/v2/clients/${clientId}`, {
      method: 'PATCH',
      json: { callbacks: [sp.acsUrl], addons: { samlp: { audience: sp.entityId, signatureAlgorithm, digestAlgorithm, mappings: { email: 'email' } } } },
    });
    expect(patched.status).to.equal(200);
    return sp;
  }

  async function signInAt(browser: Browser, url: string): Promise<Page> {
    let page = await browser.follow(url);
    if (page.body.includes('name="password"')) page = await browser.submit(page, { username: 'ann@example.com', password: PASSWORD });
    expect(page.status, page.body.slice(0, 300)).to.equal(200);
    return page;
  }

  it('SP-initiated SAML sign-in (rsa-sha256 and rsa-sha1): node-saml accepts it, xmlsec1 verifies it with the published certificate', async () => {
    const pem = (await currentKeyFromApi(server, admin)).pem;
    const browser = new Browser();
    for (const algorithm of ['rsa-sha256', 'rsa-sha1'] as const) {
      const sp = await samlSp(algorithm, algorithm);
      const page = await signInAt(browser, await sp.loginUrl('relay'));
      const form = readForm(page.body, page.url);
      const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8');
      expect(xml).to.include(`xmldsig${algorithm === 'rsa-sha1' ? '#rsa-sha1' : '-more#rsa-sha256'}`);
      const verified = xmlsecVerify(xml, pem, `${SAML2}:Assertion`);
      expect(verified.ok, verified.output).to.equal(true);
      const result = (await (await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields) })).json()) as SpResult;
      expect(result.status, result.error).to.equal(200);
      expect(result.profile!.email).to.equal('ann@example.com');
    }
  });

  it('WS-Fed sign-in (SAML 1.1 and 2.0 tokens): metadata signed by the token-held metadata key, tokens verified by xmlsec1', async () => {
    const pem = (await currentKeyFromApi(server, admin)).pem;
    const metadataSignerPem = await (await fetch(`${server.url}/metadata-signer.pem`)).text();
    const browser = new Browser();
    for (const format of ['saml11', 'saml20'] as const) {
      const wreply = `https://rp-${format}.example.com/signin`;
      const realm = `urn:rp:${format}`;
      const created = await admin('/api/v2/clients', { method: 'POST', json: { name: `RP ${format}`, callbacks: [wreply], addons: { wsfed: { realm, tokenFormat: format } } } });
      const { client_id: clientId } = (await created.json()) as { client_id: string };
      const metadata = await (await fetch(`${server.url}/wsfed/${clientId}/FederationMetadata/2007-06/FederationMetadata.xml`)).text();
      const signedMetadata = xmlsecVerify(metadata, metadataSignerPem, `${MD}:EntityDescriptor`);
      expect(signedMetadata.ok, signedMetadata.output).to.equal(true);
      const certs = readFederationMetadata(metadata).certs;

      const page = await signInAt(browser, `${server.url}/wsfed/${clientId}?${new URLSearchParams({ wa: 'wsignin1.0', wtrealm: realm, wreply })}`);
      const wresult = readForm(page.body, page.url).fields.wresult!;
      const verified = format === 'saml11' ? xmlsecVerify(wresult, pem, `${SAML11}:Assertion`, 'AssertionID') : xmlsecVerify(wresult, pem, `${SAML2}:Assertion`);
      expect(verified.ok, verified.output).to.equal(true);
      const accepted = acceptWresult(wresult, { certs, realm, issuer: server.config.samlEntityId, now: new Date() });
      expect(accepted.claims['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress']).to.equal('ann@example.com');
    }
  });

  it('an access token signed in the token verifies with jose against the published JWKS', async () => {
    const credentials = await addApiClient(server, 'read:signing_keys');
    const response = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${server.config.issuer}/api/v2/` }),
    });
    expect(response.status).to.equal(200);
    const { access_token: accessToken } = (await response.json()) as { access_token: string };
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(accessToken, jwks, { issuer: `${server.config.issuer}/`, audience: `${server.config.issuer}/api/v2/`, algorithms: ['RS256'], typ: 'at+jwt' });
    expect(protectedHeader.kid).to.equal(server.services.keyring.snapshot.currentKid);
    expect(payload).to.include({ client_id: credentials.client_id, scope: 'read:signing_keys', cv: 1 });
    // And the server accepts its own token.
    expect((await fetch(`${server.url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${accessToken}` } })).status).to.equal(200);
  });
});
