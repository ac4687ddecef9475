// The server's log: JSON lines, one access-log line per request (route name, status, duration,
// request id, client address, application or API client), X-Request-Id taken when well-formed and
// echoed, key events with their kids and actor, refusals and throttling with their error code; and
// no secret used in a representative flow (password, session and CSRF cookies, CSRF token, client
// secret, access token, KEK, private key) anywhere in it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ALL_KEY_SCOPES, TEST_KEK, addApiClient, getToken, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { Browser, readForm } from '../helpers/browser.js';
import { capturingLogger, secretShapesIn, secretsIn } from '../helpers/logs.js';
import { createPrivateKey } from 'node:crypto';
import { unseal } from '../../src/keys/seal.js';

const PASSWORD = 'correct horse battery staple';

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

describe('logs (pino): access log, request ids, key events, refusals, no secrets', function () {
  this.timeout(60_000);
  let server: TestServer;
  let logFile: string;
  const secrets = new Map<string, string>();
  const lines = (): LogLine[] =>
    readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);

  before(async () => {
    logFile = join(tempDir('fedmeta-log-'), 'fedmeta.log');
    server = await startTestServer({ env: { FEDMETA_LOG_FILE: logFile, FEDMETA_LOG_LEVEL: 'debug', FEDMETA_ROTATION_RATE_BURST: '2', FEDMETA_ROTATION_RATE_PER_DAY: '2' } });
    secrets.set(TEST_KEK, 'KEK');
    secrets.set(PASSWORD, 'password');
  });
  after(async () => server.destroy());

  it('a representative flow: dashboard sign-in and rotation, API token and rotation, a refused secret, a 429', async () => {
    const admin = await server.services.users.create({ email: 'admin@example.com', password: PASSWORD, admin: true }, { type: 'system', id: 'test' });
    const browser = new Browser();
    const login = await browser.request(`${server.url}/login`);
    secrets.set(readForm(login.body, login.url).fields.csrf!, 'CSRF token (login form)');
    const landing = await browser.submit(login, { username: 'admin@example.com', password: PASSWORD });
    expect(landing.status).to.equal(200);
    for (const [name, value] of browser.cookies) secrets.set(value, `cookie ${name}`);
    const confirmation = await browser.request(`${server.url}/dashboard/signing-keys/rotate`);
    const form = readForm(confirmation.body.slice(confirmation.body.indexOf('<main')), confirmation.url);
    secrets.set(form.fields.csrf!, 'CSRF token (dashboard)');
    expect((await browser.follow(form.action, { form: form.fields })).status).to.equal(200);

    const credentials = await addApiClient(server, ALL_KEY_SCOPES);
    secrets.set(credentials.client_secret, 'client secret');
    const token = await getToken(server, credentials);
    secrets.set(token, 'access token');
    const rotate = (requestId?: string) =>
      fetch(`${server.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...(requestId ? { 'x-request-id': requestId } : {}) } });
    const rotated = await rotate('trace-0af7651916cd43dd.8448eb211c80319c');
    expect(rotated.status).to.equal(201);
    expect(rotated.headers.get('x-request-id')).to.equal('trace-0af7651916cd43dd.8448eb211c80319c');
    const throttled = await rotate();
    expect(throttled.status).to.equal(429);
    const wrongSecret = 'a-wrong-client-secret-that-must-not-be-logged';
    secrets.set(wrongSecret, 'wrong client secret');
    const refused = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.client_id, client_secret: wrongSecret, audience: `${server.config.issuer}/api/v2/` }),
    });
    expect(refused.status).to.equal(401);
    for (const key of await server.services.keys.list()) {
      if (key.state === 'revoked') continue;
      const pem = createPrivateKey(unseal(server.services.kek, key.kid, key.sealedPrivateKey!)).export({ format: 'pem', type: 'pkcs8' }).toString();
      secrets.set(pem.split('\n')[1]!, `private key of ${key.kid} (first PEM line)`);
    }

    const log = lines();
    const text = readFileSync(logFile, 'utf8');
    expect(secretsIn(text, secrets), 'secrets in the log').to.deep.equal([]);
    expect(secretShapesIn(text), 'secret-shaped values in the log').to.deep.equal([]);

    const apiRotation = log.find((line) => line.msg === 'request' && line.route === 'api-signing-keys-rotate' && line.status === 201)!;
    expect(apiRotation, 'access-log line of the API rotation').to.not.equal(undefined);
    expect(apiRotation).to.deep.include({ level: 'info', method: 'POST', request_id: 'trace-0af7651916cd43dd.8448eb211c80319c', client: '127.0.0.1', client_id: credentials.client_id });
    expect(apiRotation.duration_ms).to.be.a('number').and.at.least(0);
    const dashboardRotation = log.find((line) => line.msg === 'request' && line.route === 'dashboard-rotate' && line.method === 'POST')!;
    expect(dashboardRotation.status).to.equal(303);

    const throttledLine = log.find((line) => line.status === 429)!;
    expect(throttledLine).to.deep.include({ level: 'warn', msg: 'request throttled', route: 'api-signing-keys-rotate', error_code: 'too_many_requests' });
    expect(throttledLine.request_id).to.equal(throttled.headers.get('x-request-id'));
    const refusedLine = log.find((line) => line.route === 'oauth-token' && line.status === 401)!;
    expect(refusedLine).to.deep.include({ level: 'warn', msg: 'request refused', error_code: 'invalid_client', client_id: credentials.client_id });

    const rotations = log.filter((line) => line.event === 'key_rotated');
    expect(rotations.map((line) => line.actor)).to.deep.equal([
      { type: 'user', id: admin.userId },
      { type: 'api_client', id: credentials.client_id },
    ]);
    for (const line of rotations) {
      expect(line).to.deep.include({ level: 'info', key_event: true });
      expect(line.details).to.have.keys('current', 'previous', 'next');
    }
    const current = (await server.services.keys.list()).find((key) => key.state === 'current')!;
    expect((rotations[1]!.details as { current: string }).current).to.equal(current.kid);
    expect(log.some((line) => line.event === 'token_refused' && (line.actor as { id: string }).id === credentials.client_id)).to.equal(true);
    // Audit entries written with other changes are logged too, once committed.
    expect(log.filter((line) => line.event === 'user_created').map((line) => line.msg)).to.have.length(1);
    expect(log.filter((line) => line.event === 'api_client_created')).to.have.length(1);
    expect(log.filter((line) => line.event === 'login_succeeded')).to.have.length(1);
  });

  it('a changed password is logged as an event, without the password', async () => {
    const user = await server.services.users.create({ email: 'bea@example.com', password: 'first password of bea' }, { type: 'system', id: 'test' });
    const newPassword = 'second password of bea, never logged';
    await server.services.users.update(user.userId, { password: newPassword, blocked: true }, { type: 'system', id: 'test' });
    const events = lines().filter((line) => (line.actor as { id?: string } | undefined)?.id === 'test' && String(line.event).startsWith('user_'));
    expect(events.map((line) => line.event)).to.include.members(['user_created', 'user_password_changed', 'user_blocked']);
    const text = readFileSync(logFile, 'utf8');
    expect(text).not.to.include(newPassword);
    expect(text).not.to.include('first password of bea');
  });

  it('X-Request-Id: a well-formed one is kept; a malformed or oversized one is replaced by a new id; each is echoed and logged', async () => {
    const cases = ['0f3c2a9e-6f4e-4a57-9c55-6ad1c6c5e2b1', 'has spaces in it', 'x'.repeat(129), '<script>', ''];
    const seen: string[] = [];
    for (const sent of cases) {
      const response = await fetch(`${server.url}/.well-known/jwks.json`, sent ? { headers: { 'x-request-id': sent } } : {});
      const echoed = response.headers.get('x-request-id')!;
      if (sent === cases[0]) expect(echoed).to.equal(sent);
      else expect(echoed, JSON.stringify(sent)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      seen.push(echoed);
    }
    expect(new Set(seen).size, 'generated ids differ').to.equal(cases.length);
    const logged = lines().filter((line) => line.route === 'jwks').map((line) => line.request_id);
    for (const id of seen) expect(logged).to.include(id);
    expect(JSON.stringify(lines())).not.to.include('<script>');
  });

  it('behind a trusted proxy (FEDMETA_TRUST_PROXY), the access line names the forwarded client, not the proxy', async () => {
    const log = capturingLogger();
    const proxied = await startTestServer({ env: { FEDMETA_TRUST_PROXY: '127.0.0.1' }, logger: log });
    try {
      const response = await fetch(`${proxied.url}/.well-known/jwks.json`, { headers: { 'x-forwarded-for': '198.51.100.23, 203.0.113.7' } });
      const line = log.lines.find((entry) => entry.fields.request_id === response.headers.get('x-request-id'));
      expect(line?.fields).to.include({ route: 'jwks', client: '203.0.113.7' });
    } finally {
      await proxied.destroy();
    }
  });

  it('FEDMETA_LOG_LEVEL=warn keeps refusals and drops the access lines of answered requests', async () => {
    const file = join(tempDir('fedmeta-log-'), 'warn.log');
    const quiet = await startTestServer({ env: { FEDMETA_LOG_FILE: file, FEDMETA_LOG_LEVEL: 'warn' } });
    try {
      expect((await fetch(`${quiet.url}/.well-known/jwks.json`)).status).to.equal(200);
      expect((await fetch(`${quiet.url}/api/v2/keys/signing`)).status).to.equal(401);
    } finally {
      await quiet.destroy();
    }
    const logged = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as LogLine);
    expect(logged.filter((line) => line.route === 'jwks')).to.deep.equal([]);
    expect(logged.find((line) => line.route === 'api-signing-keys')).to.deep.include({ level: 'warn', status: 401 });
  });
});
