// Issue 12, section 3: log streams. A real HTTP receiver on loopback gets every audit event once,
// each batch signed (X-Fedmeta-Signature: sha256=<hex HMAC-SHA256 of the body>), also after it was
// down for a while and after a fedmeta restart; a stream that keeps failing is suspended with the
// reason in the API and on the dashboard, and resumes with PATCH {"status":"active"}.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { freePort, managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser } from '../helpers/browser.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import type { AuditEntry } from '../../src/audit/types.js';
import type { LogStreamObject } from '../../src/log-streams/log-stream-object.js';

const SCOPES = 'read:log_streams create:log_streams update:log_streams delete:log_streams read:signing_keys create:signing_keys update:signing_keys read:logs';
const FAST = { FEDMETA_ROTATION_RATE_BURST: '50', FEDMETA_ROTATION_RATE_PER_DAY: '50', FEDMETA_LOG_STREAM_POLL_MS: '50', FEDMETA_LOG_STREAM_RETRY_BASE_MS: '50', FEDMETA_LOG_STREAM_RETRY_MAX_MS: '200' };

/** A log receiver on loopback: checks every signature, records accepted entries, can fail or go away. */
class Receiver {
  accepted: AuditEntry[] = [];
  badSignatures = 0;
  failWith: number | undefined;
  secret = '';
  private server: Server | undefined;
  constructor(readonly port: number) {}

  get url() {
    return `http://127.0.0.1:${this.port}/logs`;
  }

  async up(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const expected = `sha256=${createHmac('sha256', this.secret).update(body).digest('hex')}`;
        if (request.headers['x-fedmeta-signature'] !== expected) this.badSignatures += 1;
        if (this.failWith) {
          response.writeHead(this.failWith).end();
          return;
        }
        this.accepted.push(...(JSON.parse(body) as AuditEntry[]));
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    expect((this.server.address() as AddressInfo).port).to.equal(this.port);
  }

  async down(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = undefined;
  }
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every audit entry from the stream's creation on, oldest first. */
async function entriesSince(server: TestServer, firstId: number): Promise<AuditEntry[]> {
  return server.services.store.auditAfterId(firstId - 1, 1000);
}

async function createStream(api: ManagementCall, receiver: Receiver, extra: Record<string, unknown> = {}): Promise<LogStreamObject & { signing_secret: string }> {
  const response = await api('/api/v2/log-streams', { method: 'POST', json: { name: 'siem', type: 'http', sink: { httpEndpoint: receiver.url }, ...extra } });
  expect(response.status, await response.clone().text()).to.equal(201);
  const created = (await response.json()) as LogStreamObject & { signing_secret: string };
  receiver.secret = created.signing_secret;
  return created;
}

function expectEveryEventOnce(receiver: Receiver, expected: AuditEntry[]): void {
  const ids = receiver.accepted.map((entry) => entry.log_id);
  expect(new Set(ids).size, 'no event twice').to.equal(ids.length);
  expect(ids).to.deep.equal(expected.map((entry) => entry.log_id));
  expect(receiver.accepted).to.deep.equal(expected);
  expect(receiver.badSignatures).to.equal(0);
}

describe('log streams (/api/v2/log-streams, delivery to a real receiver)', () => {
  const later = cleanupsAfterEach();

  async function setUp(env: Record<string, string> = {}) {
    const receiver = new Receiver(await freePort());
    await receiver.up();
    later(() => receiver.down());
    const server = await startTestServer({ env: { ...FAST, ...env } });
    /** The instance to destroy after the test (a restart replaces it). */
    const running = { server };
    later(() => running.server.destroy());
    return { receiver, server, running, api: await managementClient(server, SCOPES) };
  }

  it('delivers every event once, signed, including after the receiver was down for a while and after a fedmeta restart', async () => {
    const { receiver, server, running, api } = await setUp();
    const created = await createStream(api, receiver);
    const firstId = Number(created.delivery.last_delivered_log_id) + 1;
    for (let i = 0; i < 3; i += 1) expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    await eventually(async () => receiver.accepted.length === (await entriesSince(server, firstId)).length, 'the first events');
    expect(receiver.accepted[0]!.event).to.equal('log_stream_created');
    const [delivered] = receiver.accepted;
    expect(delivered!.type, "Auth0's code for a management change").to.equal('sapi');
    expect(await (await api(`/api/v2/logs/${delivered!.log_id}`)).json(), 'the stream and the API show an entry alike').to.deep.equal(delivered);

    await receiver.down();
    for (let i = 0; i < 2; i += 1) expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    await eventually(async () => {
      const [stream] = (await (await api('/api/v2/log-streams')).json()) as LogStreamObject[];
      return stream!.delivery.consecutive_failures >= 2;
    }, 'failed attempts while the receiver is down');
    const [failing] = (await (await api('/api/v2/log-streams')).json()) as LogStreamObject[];
    expect(failing!.status).to.equal('active');
    expect(failing!.delivery.last_error).to.match(/request failed/);
    await receiver.up();
    await eventually(async () => receiver.accepted.length === (await entriesSince(server, firstId)).length, 'the events held back');

    // Events the receiver misses while down, then fedmeta stops: the next fedmeta delivers them.
    await receiver.down();
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    await server.close();
    await receiver.up();
    const restarted = await startTestServer({ dir: server.dir, env: { ...FAST } });
    running.server = restarted;
    await eventually(async () => receiver.accepted.length === (await entriesSince(restarted, firstId)).length, 'the events after the restart');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectEveryEventOnce(receiver, await entriesSince(restarted, firstId));
  });

  it('two instances on one store deliver each event once (the stream is leased by one at a time)', async () => {
    const { receiver, server, api } = await setUp();
    const other = await startTestServer({ dir: server.dir, env: { ...FAST } });
    later(() => other.close());
    const created = await createStream(api, receiver);
    const firstId = Number(created.delivery.last_delivered_log_id) + 1;
    const otherApi = await managementClient(other, SCOPES);
    for (let i = 0; i < 4; i += 1) {
      expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
      expect((await otherApi('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    }
    await eventually(async () => receiver.accepted.length >= (await entriesSince(server, firstId)).length, 'every event');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectEveryEventOnce(receiver, await entriesSince(server, firstId));
  });

  it('suspends a stream that keeps failing, with the reason in the API and on the dashboard; PATCH status active resumes it', async () => {
    const { receiver, server, api } = await setUp({ FEDMETA_LOG_STREAM_MAX_FAILURES: '3' });
    receiver.failWith = 500;
    const created = await createStream(api, receiver, { filters: [{ type: 'category', name: 'keys' }] });
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    await eventually(async () => ((await (await api(`/api/v2/log-streams/${created.id}`)).json()) as LogStreamObject).status === 'suspended', 'suspension');
    const suspended = (await (await api(`/api/v2/log-streams/${created.id}`)).json()) as LogStreamObject;
    expect(suspended.delivery.suspended_reason).to.equal('3 consecutive delivery failures; the last: the endpoint answered HTTP 500');
    expect(suspended.delivery.consecutive_failures).to.equal(3);
    const logs = (await (await api('/api/v2/logs')).json()) as AuditEntry[];
    expect(logs.filter((entry) => entry.event === 'log_stream_suspended')).to.have.length(1);

    const admin = { email: 'admin@example.com', password: 'correct horse battery', admin: true };
    await server.services.users.create(admin, { type: 'system', id: 'test' });
    const browser = new Browser();
    await browser.submit(await browser.request(`${server.url}/login`), { username: admin.email, password: admin.password });
    const page = await browser.request(`${server.url}/dashboard/log-streams`);
    expect(page.status).to.equal(200);
    expect(page.body).to.include(`data-stream-id="${created.id}" data-status="suspended"`);
    expect(page.body).to.include('Suspended: 3 consecutive delivery failures; the last: the endpoint answered HTTP 500');

    receiver.failWith = undefined;
    const resumed = await api(`/api/v2/log-streams/${created.id}`, { method: 'PATCH', json: { status: 'active' } });
    expect(resumed.status).to.equal(200);
    expect(((await resumed.json()) as LogStreamObject).delivery.consecutive_failures).to.equal(0);
    // Only the "keys" category: the key rotation (and the suspension itself is "management").
    await eventually(() => receiver.accepted.some((entry) => entry.event === 'key_rotated'), 'delivery after resuming');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.accepted.map((entry) => entry.event)).to.deep.equal(['key_rotated']);
  });

  it('validates input (https:, or http: on loopback; type http; known fields), needs its scopes, and shows the secret only once', async () => {
    const { receiver, server, api } = await setUp();
    const post = (json: unknown) => api('/api/v2/log-streams', { method: 'POST', json });
    for (const body of [
      { name: 'x', type: 'http', sink: { httpEndpoint: 'http://logs.example.com/in' } },
      { name: 'x', type: 'eventbridge', sink: { httpEndpoint: receiver.url } },
      { name: 'x', type: 'http', sink: { httpEndpoint: receiver.url, httpContentFormat: 'CSV' } },
      { name: 'x', type: 'http', sink: { httpEndpoint: receiver.url }, filters: [{ type: 'category', name: 'everything' }] },
      { name: 'x', type: 'http', sink: { httpEndpoint: receiver.url }, colour: 'blue' },
    ]) {
      const response = await post(body);
      expect(response.status, JSON.stringify(body)).to.equal(400);
    }
    const created = await createStream(api, receiver, { sink: { httpEndpoint: 'https://logs.example.com/in', httpAuthorization: 'Bearer abc' } });
    expect(created.sink).to.deep.equal({ httpEndpoint: 'https://logs.example.com/in', httpContentType: 'application/json', httpContentFormat: 'JSONARRAY', httpAuthorizationSet: true });
    const shown = (await (await api(`/api/v2/log-streams/${created.id}`)).json()) as Record<string, unknown>;
    expect(shown).to.not.have.property('signing_secret');
    expect(JSON.stringify(shown)).to.not.include('Bearer abc');
    const paused = await api(`/api/v2/log-streams/${created.id}`, { method: 'PATCH', json: { status: 'paused', name: 'renamed' } });
    expect(await paused.json()).to.deep.include({ status: 'paused', name: 'renamed' });
    expect((await api(`/api/v2/log-streams/${created.id}`, { method: 'PATCH', json: { status: 'suspended' } })).status).to.equal(400);
    expect((await api(`/api/v2/log-streams/${created.id}`, { method: 'DELETE' })).status).to.equal(204);
    const missing = await api(`/api/v2/log-streams/${created.id}`);
    expect(missing.status).to.equal(404);
    expect(await missing.json()).to.deep.include({ errorCode: 'log_stream_not_found' });
    const reader = await managementClient(server, 'read:signing_keys');
    expect((await reader('/api/v2/log-streams')).status).to.equal(403);
  });
});
