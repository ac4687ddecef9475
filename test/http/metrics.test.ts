// /metrics on its own listener (FEDMETA_METRICS_PORT), never on the public port; the values after a
// sign-in of each kind, a rotation, a 429 and a revocation, read with a parser that enforces the text
// format's rules (test/helpers/prometheus.ts).
import { X509Certificate } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { expect } from 'chai';
import { ALL_KEY_SCOPES, addApiClient, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm } from '../helpers/browser.js';
import { DAY, PinnedClock } from '../helpers/pinned-clock.js';
import { parsePrometheusText, sampleValue, type Family } from '../helpers/prometheus.js';

const PASSWORD = 'correct horse battery';
const SYSTEM = { type: 'system' as const, id: 'test' };

describe('metrics (FEDMETA_METRICS_PORT, prom-client)', function () {
  this.timeout(60_000);
  let server: TestServer;
  const clock = new PinnedClock(Date.UTC(2026, 10, 30, 8, 0, 0));

  async function scrape(): Promise<Map<string, Family>> {
    const response = await fetch(server.metrics!.url);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await response.text());
  }

  async function signedInBrowser(): Promise<Browser> {
    const browser = new Browser();
    const login = await browser.follow(`${server.url}/login`);
    const done = await browser.submit(login, { username: 'ann@example.com', password: PASSWORD });
    expect(done.status).to.equal(200);
    return browser;
  }

  before(async () => {
    server = await startTestServer({ clock, env: { FEDMETA_METRICS_PORT: '0', FEDMETA_ROTATION_RATE_BURST: '1', FEDMETA_ROTATION_RATE_PER_DAY: '1' } });
    await server.services.users.create({ email: 'ann@example.com', password: PASSWORD }, SYSTEM);
  });
  after(async () => server.destroy());

  it('is served only on its own listener: /metrics on the public port is 404, other paths there are 404', async () => {
    expect(server.metrics!.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(server.metrics!.url).port).to.not.equal(String(server.port));
    expect((await fetch(`${server.url}/metrics`)).status).to.equal(404);
    expect((await fetch(new URL('/', server.metrics!.url))).status).to.equal(404);
    expect((await fetch(new URL('/api/v2/keys/signing', server.metrics!.url))).status).to.equal(404);
  });

  it('process metrics and the key set: version, age and certificate expiry of each published key by state', async () => {
    clock.advance(DAY);
    const families = await scrape();
    expect(families.get('process_cpu_user_seconds_total')?.type).to.equal('counter');
    expect(families.get('nodejs_heap_size_used_bytes')?.type).to.equal('gauge');
    expect(sampleValue(families, 'fedmeta_key_set_version')).to.equal(server.services.keyring.snapshot.version);
    const keys = (await server.services.keys.list()).filter((key) => key.state !== 'revoked');
    expect(keys.map((key) => key.state).sort()).to.deep.equal(['current', 'next']);
    for (const key of keys) {
      const labels = { kid: key.kid, state: key.state };
      expect(sampleValue(families, 'fedmeta_signing_key_age_seconds', labels), `${key.state} age`).to.equal(86_400);
      const pem = await (await fetch(`${server.url}/pem?kid=${key.kid}`)).text();
      const expiresIn = Math.round((Date.parse(new X509Certificate(pem).validTo) - clock.now().getTime()) / 1000);
      expect(sampleValue(families, 'fedmeta_signing_key_certificate_expiry_seconds', labels), `${key.state} expiry`).to.equal(expiresIn);
    }
  });

  it('counts sign-ins by protocol and result, and signatures by document type', async () => {
    const wsfedApp = await server.services.clients.create({ name: 'RP', callbacks: ['https://rp.example.com/signin'], addons: { wsfed: { realm: 'urn:rp:m' } } }, SYSTEM);
    const samlApp = await server.services.clients.create(
      { name: 'SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:sp:m', signResponse: true, idpInitiated: true } } },
      SYSTEM,
    );
    const wrong = new Browser();
    expect((await wrong.submit(await wrong.follow(`${server.url}/login`), { username: 'ann@example.com', password: 'not the password' })).status).to.equal(401);
    const browser = await signedInBrowser();
    const wsfed = await browser.request(`${server.url}/wsfed/${wsfedApp.clientId}?${new URLSearchParams({ wa: 'wsignin1.0', wtrealm: 'urn:rp:m', wreply: 'https://rp.example.com/signin' })}`);
    expect(wsfed.body).to.include('name="wresult"');
    const saml = await browser.request(`${server.url}/samlp/${samlApp.clientId}`);
    expect(saml.body).to.include('name="SAMLResponse"');
    // A passive request without a session: a signed NoPassive Response, a failed SAML sign-in.
    const passive =
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_passive1" Version="2.0" ` +
      `IssueInstant="${clock.now().toISOString()}" AssertionConsumerServiceURL="https://sp.example.com/acs" IsPassive="true"><saml:Issuer>urn:sp:m</saml:Issuer></samlp:AuthnRequest>`;
    const refusedSignIn = await new Browser().request(`${server.url}/samlp/${samlApp.clientId}?SAMLRequest=${encodeURIComponent(deflateRawSync(passive).toString('base64'))}`);
    expect(Buffer.from(readForm(refusedSignIn.body, refusedSignIn.url).fields.SAMLResponse!, 'base64').toString()).to.include('NoPassive');
    // Metadata is signed when a key set is loaded (the fast path prepares it) or on a first request,
    // and again once a day: whatever these requests cause, asking again signs nothing more.
    for (const path of ['/samlp/metadata', `/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`]) expect((await fetch(`${server.url}${path}`)).status).to.equal(200);
    const metadataSigned = sampleValue(await scrape(), 'fedmeta_signatures_total', { document: 'metadata' });
    expect((await fetch(`${server.url}/samlp/metadata`)).status).to.equal(200);

    const credentials = await addApiClient(server, ALL_KEY_SCOPES);
    await getToken(server, credentials);
    await getToken(server, credentials);
    const refused = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.client_id, client_secret: 'not-the-secret-at-all', audience: `${server.config.issuer}/api/v2/` }),
    });
    expect(refused.status).to.equal(401);

    const families = await scrape();
    const signIns = (protocol: string, result: string) => sampleValue(families, 'fedmeta_sign_ins_total', { protocol, result });
    expect(signIns('password', 'success')).to.equal(1);
    expect(signIns('password', 'failure')).to.equal(1);
    expect(signIns('wsfed', 'success')).to.equal(1);
    expect(signIns('saml2', 'success')).to.equal(1);
    expect(signIns('saml2', 'failure')).to.equal(1);
    expect(signIns('client_credentials', 'success')).to.equal(2);
    expect(signIns('client_credentials', 'failure')).to.equal(1);
    const signatures = (document: string) => sampleValue(families, 'fedmeta_signatures_total', { document });
    expect(signatures('wsfed_saml11_assertion')).to.equal(1);
    expect(signatures('saml2_assertion')).to.equal(1);
    expect(signatures('saml2_response'), 'the signed Response and the signed NoPassive error Response').to.equal(2);
    expect(signatures('jwt')).to.equal(2);
    // SAML metadata is signed once per key-set version (and day) and then served from memory; WS-Fed's too.
    expect(metadataSigned).to.be.at.least(2);
    expect(signatures('metadata')).to.equal(metadataSigned);
  });

  it('counts requests and latency by route name and status: a rotation, then a 429; a revocation; unknown paths as "unmatched"', async () => {
    const credentials = await addApiClient(server, ALL_KEY_SCOPES);
    const token = await getToken(server, credentials);
    const versionBefore = server.services.keyring.snapshot.version;
    const rotate = () => fetch(`${server.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect((await rotate()).status).to.equal(201);
    expect((await rotate()).status).to.equal(429);
    const previous = (await server.services.keys.list()).find((key) => key.state === 'previous')!;
    await server.services.keys.revoke(previous.kid, { actor: SYSTEM, rateLimited: false, force: true });
    expect((await fetch(`${server.url}/no/such/path`)).status).to.equal(404);

    const families = await scrape();
    const requests = (labels: Record<string, string>) => sampleValue(families, 'fedmeta_http_requests_total', labels);
    expect(requests({ route: 'api-signing-keys-rotate', method: 'POST', status: '201' })).to.equal(1);
    expect(requests({ route: 'api-signing-keys-rotate', method: 'POST', status: '429' })).to.equal(1);
    expect(requests({ route: 'unmatched', method: 'GET', status: '404' })).to.be.at.least(1);
    expect(requests({ route: 'saml-metadata', method: 'GET', status: '200' })).to.equal(2);
    expect(sampleValue(families, 'fedmeta_http_request_duration_seconds_count', { route: 'api-signing-keys-rotate', method: 'POST', status: '429' })).to.equal(1);
    expect(families.get('fedmeta_http_request_duration_seconds')?.type).to.equal('histogram');
    expect(sampleValue(families, 'fedmeta_key_rotations_total', { kind: 'rotate' })).to.equal(1);
    expect(sampleValue(families, 'fedmeta_key_revocations_total')).to.equal(1);
    expect(sampleValue(families, 'fedmeta_key_set_version')).to.be.greaterThan(versionBefore);
    const states = families.get('fedmeta_signing_key_age_seconds')!.samples.map((sample) => sample.labels.state).sort();
    expect(states, 'revoked keys are not published').to.deep.equal(['current', 'next']);
    expect(families.get('fedmeta_store_errors_total')?.type).to.equal('counter');
  });

  it('a server without FEDMETA_METRICS_PORT opens no metrics listener', async () => {
    const plain = await startTestServer();
    try {
      expect(plain.metrics).to.equal(undefined);
      expect((await fetch(`${plain.url}/metrics`)).status).to.equal(404);
    } finally {
      await plain.destroy();
    }
  });
});
