// Several instances on one PostgreSQL store, in this process (real HTTP servers, real database):
// change propagation through LISTEN/NOTIFY with polling switched off, revocation, the shared rate
// limit, login throttle and SSO sessions, and a database that goes away and comes back.
import { expect } from 'chai';
import { addApiClient, ALL_KEY_SCOPES, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres, TEST_POSTGRES_URL } from '../helpers/postgres.js';
import { startTcpProxy, viaProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { Browser, readForm } from '../helpers/browser.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { until } from '../helpers/wait.js';
import { capturingLogger } from '../helpers/logs.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus.js';
import type { Logger } from '../../src/observability/logger.js';

const ISSUER = 'http://fedmeta.lb.test';
/** Polling effectively off: whatever another instance sees within a second came by NOTIFY. */
const NO_POLL = 600_000;

interface Instance {
  server: TestServer;
  api(path: string, init?: RequestInit): Promise<Response>;
  token: string;
}

const jwksOf = async (server: TestServer) => (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; x5c: string[] }[] };


describe('PostgreSQL: several instances in one process share one store', function () {
  this.timeout(60_000);
  let schema: string;
  let instances: TestServer[] = [];
  let proxy: TcpProxy | undefined;

  before(async function () {
    await requirePostgres(this);
  });
  beforeEach(() => {
    schema = freshSchema();
  });
  afterEach(async () => {
    for (const server of instances.reverse()) await server.destroy();
    instances = [];
    await proxy?.close();
    proxy = undefined;
    await dropSchema(schema);
  });

  async function start(options: { pollMs?: number; url?: string; env?: Record<string, string>; logger?: Logger } = {}): Promise<Instance> {
    const server = await startTestServer({
      ...(options.logger ? { logger: options.logger } : {}),
      env: { FEDMETA_DATABASE_URL: options.url ?? postgresUrl(schema), FEDMETA_ISSUER: ISSUER, FEDMETA_ROTATION_RATE_BURST: '50', FEDMETA_ROTATION_RATE_PER_DAY: '50', ...options.env },
      pollMs: options.pollMs ?? NO_POLL,
    });
    instances.push(server);
    const token = await getToken(server, await addApiClient(server, `${ALL_KEY_SCOPES} create:clients read:clients`));
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
    return { server, api, token };
  }

  it('a rotation, a revocation and a new application on one instance are served by the other within a second, by NOTIFY alone', async () => {
    const a = await start();
    const b = await start();
    expect((await jwksOf(b.server)).keys.map((k) => k.kid)).to.deep.equal((await jwksOf(a.server)).keys.map((k) => k.kid));
    expect(b.server.watch.pushing, 'B listens').to.equal(true);

    const timings: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      const [from, to] = i % 2 ? [b, a] : [a, b];
      const rotated = await from.api('/api/v2/keys/signing/rotate', { method: 'POST' });
      expect(rotated.status).to.equal(201);
      const { kid } = (await rotated.json()) as { kid: string };
      timings.push(await until(async () => (await jwksOf(to.server)).keys[0]?.kid === kid, 1000, 'rotation served by the other instance'));
    }
    const previous = ((await (await a.api('/api/v2/keys/signing')).json()) as { kid: string; previous: boolean }[]).find((key) => key.previous)!;
    expect((await a.api(`/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT' })).status).to.equal(200);
    timings.push(await until(async () => !(await jwksOf(b.server)).keys.some((k) => k.kid === previous.kid), 1000, 'revocation served by the other instance'));
    expect((await fetch(`${b.server.url}/cer?kid=${previous.kid}`)).status).to.equal(404);

    const created = await a.api('/api/v2/clients', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Payroll', callbacks: ['https://payroll.example.com/acs'], addons: { samlp: { audience: 'urn:payroll' } } }),
    });
    expect(created.status).to.equal(201);
    const { client_id } = (await created.json()) as { client_id: string };
    timings.push(await until(async () => (await fetch(`${b.server.url}/samlp/metadata/${client_id}`)).status === 200, 1000, 'application served by the other instance'));
    console.log(`      (NOTIFY propagation, polling off: ${timings.join(', ')} ms)`);
  });

  it('no instance signs with a revoked key after it has been told: emergency rotation on A, B signs with the new key', async () => {
    const a = await start();
    const b = await start();
    const compromised = (await currentKeyFromApi(b.server)).kid;
    const oldToken = b.token;
    const rotated = await a.api('/api/v2/keys/signing/rotate?revoke_previous=true', { method: 'POST' });
    expect(rotated.status).to.equal(201);
    const { kid } = (await rotated.json()) as { kid: string };
    const ms = await until(async () => (await jwksOf(b.server)).keys[0]?.kid === kid, 1000, 'B publishes the new key as current');
    await b.server.watch.settled();
    console.log(`      (B signs with the new key ${ms} ms after A answered the emergency rotation)`);
    // Told: every signature from B now uses the new key, and the revoked key's tokens are refused.
    const credentials = await addApiClient(b.server, ALL_KEY_SCOPES);
    const fresh = await getToken(b.server, credentials);
    expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).to.equal(kid);
    const refused = await fetch(`${b.server.url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${oldToken}` } });
    expect(refused.status).to.equal(401);
    expect((await jwksOf(b.server)).keys.map((k) => k.kid)).not.to.include(compromised);
    expect((await fetch(`${b.server.url}/cer?kid=${compromised}`)).status).to.equal(404);
    const metadata = await (await fetch(`${b.server.url}/samlp/metadata`)).text();
    const certBase64 = (await jwksOf(b.server)).keys.find((key) => key.kid === kid)!.x5c[0]!;
    expect(metadata).to.include(certBase64);
  });

  it('the rotation rate limit, the login throttle and SSO sessions are shared by every instance', async () => {
    const a = await start({ env: { FEDMETA_ROTATION_RATE_BURST: '2', FEDMETA_ROTATION_RATE_PER_DAY: '2' } });
    const b = await start({ env: { FEDMETA_ROTATION_RATE_BURST: '2', FEDMETA_ROTATION_RATE_PER_DAY: '2' } });
    expect((await a.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    expect((await b.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    for (const instance of [a, b]) {
      const refused = await instance.api('/api/v2/keys/signing/rotate', { method: 'POST' });
      expect(refused.status).to.equal(429);
      expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    }

    await a.server.services.users.create({ email: 'ann@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
    await a.server.services.users.create({ email: 'carol@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
    // Five wrong passwords spread over both instances use up Carol's allowance everywhere.
    const browser = new Browser();
    for (let i = 0; i < 5; i += 1) {
      const server = i % 2 ? b.server : a.server;
      const page = await browser.request(`${server.url}/login`);
      expect((await browser.submit(page, { username: 'carol@example.com', password: `guess ${i}` })).status).to.equal(401);
    }
    for (const server of [a.server, b.server]) {
      const page = await browser.request(`${server.url}/login`);
      const throttled = await browser.request(`${server.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: 'carol@example.com', password: 'correct horse' } });
      expect(throttled.status, server.url).to.equal(429);
    }

    // Signed in at A: B knows the session (SSO); signed out at B: A forgets it too.
    const ann = new Browser();
    const form = await ann.request(`${a.server.url}/login`);
    const done = await ann.request(`${a.server.url}/login`, { form: { ...readForm(form.body, form.url).fields, username: 'ann@example.com', password: 'correct horse' } });
    expect(done.status).to.equal(303);
    expect((await ann.request(`${b.server.url}/login`)).body).to.include('ann@example.com');
    await ann.submit(await ann.request(`${b.server.url}/logout`));
    expect((await ann.request(`${a.server.url}/login`)).body).to.include('name="password"');
  });

  it('database down: documents still served from memory, changes 503, /readyz reports it; then it reconnects by itself (LISTEN too); logged and counted', async () => {
    const target = new URL(TEST_POSTGRES_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const log = capturingLogger();
    const a = await start({ url: viaProxy(postgresUrl(schema), proxy), logger: log, env: { FEDMETA_METRICS_PORT: '0' } });
    const b = await start();
    const before = await fetch(`${a.server.url}/.well-known/jwks.json`);
    const beforeBody = await before.text();
    const metadataBefore = await fetch(`${a.server.url}/samlp/metadata`);
    expect(metadataBefore.status).to.equal(200);
    expect((await fetch(`${a.server.url}/readyz`)).status).to.equal(200);

    proxy.cut();
    const jwks = await fetch(`${a.server.url}/.well-known/jwks.json`);
    expect(jwks.status).to.equal(200);
    expect(await jwks.text()).to.equal(beforeBody);
    expect(jwks.headers.get('etag')).to.equal(before.headers.get('etag'));
    expect((await fetch(`${a.server.url}/samlp/metadata`)).status).to.equal(200);
    expect((await fetch(`${a.server.url}/cer`)).status).to.equal(200);
    expect((await fetch(`${a.server.url}/healthz`)).status, 'liveness: the process is up').to.equal(200);

    const ready = await fetch(`${a.server.url}/readyz`);
    expect(ready.status).to.equal(503);
    const readyBody = (await ready.json()) as { status: string; database: string; message: string; keys: { loaded: boolean } };
    expect(readyBody).to.deep.include({ status: 'not_ready', database: 'unreachable' });
    expect(readyBody.keys.loaded).to.equal(true);
    expect(readyBody.message).to.match(/database is unreachable/);

    // Fails rather than hangs (how fast: npm run bench, "PostgreSQL unreachable").
    const rotate = await a.api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(rotate.status).to.equal(503);
    expect(rotate.headers.get('retry-after')).to.equal('5');
    const body = (await rotate.json()) as { statusCode: number; errorCode: string; message: string };
    expect(body).to.deep.include({ statusCode: 503, errorCode: 'service_unavailable' });
    expect(body.message).to.match(/database is unreachable/);
    const login = new Browser();
    const page = await login.request(`${a.server.url}/login`);
    const refused = await login.submit(page, { username: 'ann@example.com', password: 'whatever' });
    expect(refused.status).to.equal(503);
    expect(refused.body).to.include('database is unreachable');

    // Meanwhile the other instance works on.
    const elsewhere = await b.api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(elsewhere.status).to.equal(201);
    const { kid: rotatedElsewhere } = (await elsewhere.json()) as { kid: string };

    proxy.restore();
    const back = await until(async () => (await fetch(`${a.server.url}/readyz`)).status === 200, 10_000, '/readyz after the database is back');
    const caughtUp = await until(async () => (await jwksOf(a.server)).keys[0]?.kid === rotatedElsewhere, 10_000, 'A catches up on the missed rotation');
    await until(() => a.server.watch.pushing, 10_000, 'A listens again');
    console.log(`      (database back: ready after ${back} ms, missed rotation served ${caughtUp} ms later)`);
    // LISTEN is back: with polling off, a new rotation elsewhere arrives within a second.
    const again = await b.api('/api/v2/keys/signing/rotate', { method: 'POST' });
    const { kid } = (await again.json()) as { kid: string };
    const ms = await until(async () => (await jwksOf(a.server)).keys[0]?.kid === kid, 1000, 'rotation after reconnection');
    console.log(`      (after reconnection, NOTIFY propagation ${ms} ms)`);
    expect((await a.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);

    // The operator's view of it: the lost and restored change notifications, the failed store calls
    // (logged and counted), and the 503 refusals with their code.
    const messages = log.lines.map((line) => `${line.level} ${line.message}`);
    expect(messages.some((line) => /^warn lost the store change notifications \(.*\); reconnecting, polling meanwhile$/.test(line)), messages.join('\n')).to.equal(true);
    expect(messages).to.include('warn listening for store changes again');
    expect(log.lines.some((line) => line.level === 'error' && line.message === 'store call failed')).to.equal(true);
    expect(log.lines.find((line) => line.fields.route === 'api-signing-keys-rotate' && line.fields.status === 503)?.fields).to.include({ error_code: 'service_unavailable' });
    const metrics = parsePrometheusText(await (await fetch(a.server.metrics!.url)).text());
    const storeErrors = metrics.get('fedmeta_store_errors_total')!.samples.reduce((sum, sample) => sum + sample.value, 0);
    expect(storeErrors).to.be.at.least(1);
    expect(sampleValue(metrics, 'fedmeta_http_requests_total', { route: 'api-signing-keys-rotate', status: '503' })).to.equal(1);
  });
});
