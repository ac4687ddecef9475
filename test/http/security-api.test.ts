// Issue 9, Management API authentication: API clients can be listed, removed and given a new secret
// (and their tokens end at once, on every instance); /oauth/token throttles failed client
// authentication per client_id and per address; the access-token verifier only accepts tokens
// signed by the current or a previous key, issued in the past and living no longer than configured.
import { readFixture } from '../helpers/fixtures.js';
import { request } from 'node:http';
import { expect } from 'chai';
import { addApiClient, getToken, startTestServer, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { jsonErrorCode as errorCode } from '../helpers/errors.js';
import { accessTokenClaims, forgeAccessToken } from '../helpers/tokens.js';
import type { KeyState } from '../../src/keys/types.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const ADMIN_SCOPES = 'read:api_clients update:api_clients delete:api_clients read:logs read:signing_keys';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/** POST /oauth/token from a chosen loopback address (the server sees it as ctx.ip). */
function tokenRequest(server: TestServer, fields: Record<string, string>, localAddress = '127.0.0.1'): Promise<Answer> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', audience: `${server.config.issuer}/api/v2/`, ...fields }).toString();
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/oauth/token`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, json: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const call = (server: TestServer, token: string, path: string, method = 'GET') =>
  fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });


describe('Management API clients (issue 9 item 5): list, remove, rotate secret', () => {
  let server: TestServer;
  let admin: string;
  let adminCredentials: ApiCredentials;

  before(async () => {
    server = await startTestServer();
    adminCredentials = await addApiClient(server, ADMIN_SCOPES);
    admin = await getToken(server, adminCredentials);
  });
  after(async () => server.destroy());

  const auditOf = async (type: string) =>
    ((await (await call(server, admin, '/api/v2/logs?per_page=100')).json()) as { event: string; actor: { type: string; id: string }; details: Record<string, unknown> }[]).filter(
      (entry) => entry.event === type,
    );

  it('GET /api/v2/api-clients lists every client with its scopes and never a secret or secret hash; needs read:api_clients', async () => {
    const other = await addApiClient(server, 'read:signing_keys');
    const response = await call(server, admin, '/api/v2/api-clients');
    expect(response.status).to.equal(200);
    const text = await response.text();
    expect(text).not.to.match(/scrypt|secret_hash|client_secret/);
    expect(text).not.to.include(other.client_secret);
    const list = JSON.parse(text) as { client_id: string; scopes: string[]; name: string; created_at: string; secret_version: number }[];
    expect(list.find((c) => c.client_id === other.client_id)).to.deep.include({ scopes: ['read:signing_keys'], name: 'test', secret_version: 1 });
    expect(list.map((c) => c.client_id)).to.include(adminCredentials.client_id);

    const readOnly = await getToken(server, other);
    for (const [method, path] of [
      ['GET', '/api/v2/api-clients'],
      ['DELETE', `/api/v2/api-clients/${other.client_id}`],
      ['POST', `/api/v2/api-clients/${other.client_id}/rotate-secret`],
    ] as const) {
      const refused = await call(server, readOnly, path, method);
      expect(refused.status, `${method} ${path}`).to.equal(403);
      expect(await errorCode(refused)).to.equal('insufficient_scope');
    }
    expect((await call(server, readOnly, '/api/v2/keys/signing')).status, 'the client itself still works').to.equal(200);
  });

  it('rotate-secret answers the new secret once; the old secret (invalid_client) and tokens issued before it (invalid_token) stop at once; audited', async () => {
    const victim = await addApiClient(server, 'read:signing_keys');
    const oldToken = await getToken(server, victim);
    expect((await call(server, oldToken, '/api/v2/keys/signing')).status).to.equal(200);

    const rotated = await call(server, admin, `/api/v2/api-clients/${victim.client_id}/rotate-secret`, 'POST');
    expect(rotated.status).to.equal(200);
    expect(rotated.headers.get('cache-control')).to.equal('no-store');
    const body = (await rotated.json()) as { client_id: string; client_secret: string; secret_version: number };
    expect(body).to.deep.include({ client_id: victim.client_id, secret_version: 2 });
    expect(body.client_secret).to.match(/^[\w-]{43}$/).and.not.equal(victim.client_secret);
    expect(JSON.stringify(body)).not.to.include('scrypt');

    const refused = await call(server, oldToken, '/api/v2/keys/signing');
    expect(refused.status).to.equal(401);
    expect(await errorCode(refused)).to.equal('invalid_token');
    expect(refused.headers.get('www-authenticate')).to.match(/error="invalid_token"/);
    const oldSecret = await tokenRequest(server, { ...victim });
    expect(oldSecret.status).to.equal(401);
    expect(oldSecret.json.error).to.equal('invalid_client');

    const fresh = await getToken(server, { client_id: victim.client_id, client_secret: body.client_secret });
    expect((await call(server, fresh, '/api/v2/keys/signing')).status).to.equal(200);
    const [entry] = await auditOf('api_client_secret_rotated');
    expect(entry).to.deep.include({ actor: { type: 'api_client', id: adminCredentials.client_id }, details: { client_id: victim.client_id } });
    expect(JSON.stringify(await auditOf('api_client_secret_rotated'))).not.to.include(body.client_secret);
  });

  it('DELETE ends the client: its tokens get 401 invalid_token and its secret 401 invalid_client; audited; unknown ids 404 api_client_not_found', async () => {
    const victim = await addApiClient(server, 'read:signing_keys');
    const token = await getToken(server, victim);
    const removed = await call(server, admin, `/api/v2/api-clients/${victim.client_id}`, 'DELETE');
    expect(removed.status).to.equal(204);

    const refused = await call(server, token, '/api/v2/keys/signing');
    expect(refused.status).to.equal(401);
    expect(await errorCode(refused)).to.equal('invalid_token');
    expect((await tokenRequest(server, { ...victim })).json.error).to.equal('invalid_client');
    const list = (await (await call(server, admin, '/api/v2/api-clients')).json()) as { client_id: string }[];
    expect(list.map((c) => c.client_id)).not.to.include(victim.client_id);
    expect((await auditOf('api_client_deleted'))[0]).to.deep.include({ actor: { type: 'api_client', id: adminCredentials.client_id }, details: { client_id: victim.client_id } });

    for (const [method, path] of [
      ['DELETE', `/api/v2/api-clients/${victim.client_id}`],
      ['POST', `/api/v2/api-clients/${victim.client_id}/rotate-secret`],
      ['DELETE', '/api/v2/api-clients/no-such-client'],
    ] as const) {
      const missing = await call(server, admin, path, method);
      expect(missing.status, `${method} ${path}`).to.equal(404);
      expect(await errorCode(missing)).to.equal('api_client_not_found');
    }
  });

  it('a rotation or removal made through one instance ends the tokens at another instance on the same store at once', async () => {
    // Same store and same issuer (the token's iss and aud), another process-level instance.
    const second = await startTestServer({ dir: server.dir, env: { FEDMETA_ISSUER: server.config.issuer } });
    try {
      const victim = await addApiClient(server, 'read:signing_keys');
      const token = await getToken(server, victim);
      expect((await call(second, token, '/api/v2/keys/signing')).status).to.equal(200);
      expect((await call(server, admin, `/api/v2/api-clients/${victim.client_id}/rotate-secret`, 'POST')).status).to.equal(200);
      const afterRotation = await call(second, token, '/api/v2/keys/signing');
      expect(afterRotation.status).to.equal(401);
      expect(await errorCode(afterRotation)).to.equal('invalid_token');

      const other = await addApiClient(server, 'read:signing_keys');
      const otherToken = await getToken(server, other);
      expect((await call(server, admin, `/api/v2/api-clients/${other.client_id}`, 'DELETE')).status).to.equal(204);
      const afterRemoval = await call(second, otherToken, '/api/v2/keys/signing');
      expect(afterRemoval.status).to.equal(401);
      expect(await errorCode(afterRemoval)).to.equal('invalid_token');
    } finally {
      await second.close();
    }
  });
});

describe('POST /oauth/token throttle (issue 9 item 8)', () => {
  let server: TestServer;
  let target: ApiCredentials;
  let bystander: ApiCredentials;

  before(async () => {
    server = await startTestServer();
    target = await addApiClient(server, 'read:signing_keys');
    bystander = await addApiClient(server, 'read:signing_keys');
  });
  after(async () => server.destroy());

  it('right secrets do not count: more valid exchanges in a row than the per-client burst all get a token', async () => {
    for (let i = 0; i < 12; i++) expect((await tokenRequest(server, { ...bystander }, '127.0.0.5')).status, `exchange ${i}`).to.equal(200);
  });

  it('after 10 wrong secrets for a client from one address: 429 too_many_requests with Retry-After (RFC 6749 JSON) there; the client itself, from another address, still gets a token', async () => {
    const wrong = { client_id: target.client_id, client_secret: 'wrong-secret' };
    for (let i = 0; i < 10; i++) {
      const refused = await tokenRequest(server, wrong);
      expect(refused.status, `attempt ${i}`).to.equal(401);
      expect(refused.json.error).to.equal('invalid_client');
    }
    const throttled = await tokenRequest(server, wrong);
    expect(throttled.status).to.equal(429);
    expect(throttled.json).to.have.keys('error', 'error_description');
    expect(throttled.json.error).to.equal('too_many_requests');
    expect(Number(throttled.headers['retry-after'])).to.be.a('number').and.to.be.at.least(1);
    expect(throttled.headers['cache-control']).to.equal('no-store');
    // The bucket of this client at this address is empty (taken before the secret is checked): the right
    // secret is refused from here too, and a failure from another address still counts only there.
    expect((await tokenRequest(server, { ...target })).json.error).to.equal('too_many_requests');
    expect((await tokenRequest(server, wrong, '127.0.0.6')).status, 'a wrong secret from another address').to.equal(401);
    const elsewhere = await tokenRequest(server, { ...target }, '127.0.0.2');
    expect(elsewhere.status, 'the client from its own address is not locked out').to.equal(200);
    expect(elsewhere.json.access_token).to.be.a('string');
    const blocked = await server.services.store.queryAudit({ filter: { events: ['token_blocked'], clientId: target.client_id }, limit: 5 });
    expect(blocked.map((entry) => entry.type), 'audited once an hour per bucket, not per refusal').to.deep.equal(['api_limit']);

    const other = await tokenRequest(server, { ...bystander }, '127.0.0.2');
    expect(other.status).to.equal(200);
    expect(other.json.access_token).to.be.a('string');
    expect((await tokenRequest(server, { ...bystander })).status, 'the same address, another client, within the address allowance').to.equal(200);
  });

  it('after 30 failures from one address (any client_id): 429 from there, other addresses unaffected', async () => {
    for (let i = 0; i < 30; i++) {
      const refused = await tokenRequest(server, { client_id: `guess-${i}`, client_secret: 'x' }, '127.0.0.3');
      expect(refused.status, `attempt ${i}`).to.equal(401);
    }
    const throttled = await tokenRequest(server, { client_id: 'guess-31', client_secret: 'x' }, '127.0.0.3');
    expect(throttled.status).to.equal(429);
    expect(throttled.json.error).to.equal('too_many_requests');
    expect(throttled.headers['retry-after']).to.match(/^\d+$/);
    expect((await tokenRequest(server, { ...bystander }, '127.0.0.3')).status, 'a right secret from the throttled address is refused too').to.equal(429);
    expect((await tokenRequest(server, { ...bystander }, '127.0.0.4')).status).to.equal(200);
  });
});

interface ForgedCase {
  name: string;
  key?: KeyState;
  iat?: number;
  exp?: number | string;
  drop?: string[];
  set?: Record<string, unknown>;
}

const FORGED: ForgedCase[] = JSON.parse(readFixture('requests/hostile/forged-access-tokens.json')) as ForgedCase[];

describe('access-token verifier (issue 9 item 18): forged tokens', () => {
  let server: TestServer;
  let client: ApiCredentials;
  const now = () => Math.floor(Date.now() / 1000);

  before(async () => {
    server = await startTestServer();
    client = await addApiClient(server, 'read:signing_keys');
    // current C, previous B, next D, revoked A: one key in every state.
    await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
    await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
    const oldest = (await server.services.keys.list()).filter((key) => key.state === 'previous').sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0]!;
    await server.services.keys.revoke(oldest.kid, { actor: SYSTEM, rateLimited: false, force: true });
    expect(new Set((await server.services.keys.list()).map((key) => key.state))).to.deep.equal(new Set(['current', 'previous', 'next', 'revoked']));
  });
  after(async () => server.destroy());

  const build = (entry: ForgedCase) => {
    const at = now();
    const claims = accessTokenClaims(server, client.client_id, 'read:signing_keys', at);
    const lifetime = server.config.accessTokenLifetimeSeconds;
    const iat = at + (entry.iat ?? 0);
    claims.iat = iat;
    claims.exp = typeof entry.exp === 'string' ? iat + lifetime + Number(entry.exp.replace('lifetime+', '')) : at + (entry.exp ?? 600);
    for (const name of entry.drop ?? []) delete claims[name];
    Object.assign(claims, entry.set ?? {});
    return forgeAccessToken(server, entry.key ?? 'current', claims);
  };

  it('accepts well-formed tokens signed by the current or a previous key, at the edges of the skew and lifetime (so each refusal below is about the one thing changed)', async () => {
    const lifetime = server.config.accessTokenLifetimeSeconds;
    for (const [name, entry] of [
      ['current key', {}],
      ['previous key', { key: 'previous' }],
      ['iat 30 s ahead (within the 60 s skew)', { iat: 30, exp: 630 }],
      ['exp - iat = lifetime + skew', { iat: -10, exp: 'lifetime+60' }],
    ] as [string, Omit<ForgedCase, 'name'>][]) {
      const response = await call(server, await build({ name, ...entry }), '/api/v2/keys/signing');
      expect(response.status, name).to.equal(200);
    }
    expect(lifetime).to.equal(86400);
  });

  for (const entry of FORGED) {
    it(`refuses a token ${entry.name.replace(/-/g, ' ')}: 401 invalid_token`, async () => {
      const response = await call(server, await build(entry), '/api/v2/keys/signing');
      expect(response.status).to.equal(401);
      expect(await errorCode(response)).to.equal('invalid_token');
      expect(response.headers.get('www-authenticate')).to.match(/error="invalid_token"/);
    });
  }
});
