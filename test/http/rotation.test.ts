import { expect } from 'chai';
import { createRemoteJWKSet, jwtVerify, errors } from 'jose';
import { getToken, startWithToken, type TestServer } from '../helpers/server.js';
import { currentKeyFromApi } from '../helpers/current-key.js';

describe('rotation under load, rate limit, and relying parties that read the JWKS URL', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.destroy());

  it('20 concurrent rotations end with exactly one current and one next key and 20 audit entries', async () => {
    const started = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '50', FEDMETA_ROTATION_RATE_PER_DAY: '50' } });
    server = started.server;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => started.api('/api/v2/keys/signing/rotate', { method: 'POST' })),
    );
    expect(responses.map((r) => r.status)).to.deep.equal(Array(20).fill(201));
    const kids = await Promise.all(responses.map(async (r) => ((await r.json()) as { kid: string }).kid));
    expect(new Set(kids).size, 'each rotation promoted a different key').to.equal(20);
    const keys = await server.services.store.listKeys();
    expect(keys.filter((k) => k.state === 'current')).to.have.length(1);
    expect(keys.filter((k) => k.state === 'next')).to.have.length(1);
    expect(keys.filter((k) => k.state === 'previous')).to.have.length(20);
    const logs = (await (await started.api('/api/v2/logs?per_page=100')).json()) as { event: string }[];
    expect(logs.filter((entry) => entry.event === 'key_rotated')).to.have.length(20);
    expect((await currentKeyFromApi(server)).kid).to.equal(keys.find((k) => k.state === 'current')!.kid);
  });

  it('rotation and revocation share a small rate limit: 429 with Retry-After and X-RateLimit-*, nothing changed', async () => {
    const started = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '2', FEDMETA_ROTATION_RATE_PER_DAY: '2' } });
    server = started.server;
    const rotate = () => started.api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect((await rotate()).status).to.equal(201);
    const second = await rotate();
    expect(second.status).to.equal(201);
    expect(second.headers.get('x-ratelimit-remaining')).to.equal('0');
    const before = await server.services.store.listKeys();
    const refused = await rotate();
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers.get('retry-after'))).to.be.within(1, 43_200);
    expect(refused.headers.get('x-ratelimit-limit')).to.equal('2');
    expect(refused.headers.get('x-ratelimit-remaining')).to.equal('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).to.be.greaterThan(Date.now() / 1000);
    expect(await refused.json()).to.deep.include({ statusCode: 429, errorCode: 'too_many_requests' });
    const token = await getToken(server, started.credentials);
    const previous = before.find((k) => k.state === 'previous')!;
    const revoke = await fetch(`${server.url}/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(revoke.status).to.equal(429);
    expect(await server.services.store.listKeys()).to.deep.equal(before);
  });

  it('a jose createRemoteJWKSet verifier accepts the previous key\'s tokens after rotation and rejects them once it is revoked', async () => {
    const started = await startWithToken();
    server = started.server;
    const jwksUrl = new URL(`${server.url}/.well-known/jwks.json`);
    const options = { issuer: `${server.config.issuer}/`, audience: `${server.config.issuer}/api/v2/`, algorithms: ['RS256'] };
    const oldToken = started.token;
    const oldKid = (await currentKeyFromApi(server)).kid;
    expect((await jwtVerify(oldToken, createRemoteJWKSet(jwksUrl), options)).protectedHeader.kid).to.equal(oldKid);

    expect((await started.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const newToken = await getToken(server, started.credentials);
    const verifier = createRemoteJWKSet(jwksUrl, { cooldownDuration: 0 });
    expect((await jwtVerify(oldToken, verifier, options)).protectedHeader.kid).to.equal(oldKid);
    expect((await jwtVerify(newToken, verifier, options)).protectedHeader.kid).not.to.equal(oldKid);

    const revoke = await fetch(`${server.url}/api/v2/keys/signing/${oldKid}/revoke?force=true`, { method: 'PUT', headers: { authorization: `Bearer ${newToken}` } });
    expect(revoke.status).to.equal(200);
    const fresh = createRemoteJWKSet(jwksUrl);
    let rejection: unknown;
    try {
      await jwtVerify(oldToken, fresh, options);
    } catch (error) {
      rejection = error;
    }
    expect(rejection).to.be.instanceOf(errors.JWKSNoMatchingKey);
    expect((await jwtVerify(newToken, fresh, options)).payload.sub).to.equal(`${started.credentials.client_id}@clients`);
  });
});
