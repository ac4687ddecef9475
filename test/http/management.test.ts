import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { addApiClient, getToken, startWithToken, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { expectJsonError, jsonErrorCode as errorCode } from '../helpers/errors.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { signingKey } from '../helpers/tokens.js';
import type { KeyObject } from '../../src/keys/key-object.js';

// The wire shape is asserted field by field below; the type only saves a copy of the interface.

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('Management API: signing keys', () => {
  let server: TestServer;
  let credentials: ApiCredentials;
  let api: (path: string, init?: RequestInit) => Promise<Response>;
  const url = (path: string) => `${server.url}${path}`;
  const withToken = (token: string, path: string, init: RequestInit = {}) =>
    fetch(url(path), { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  /** Revoking the key that signed our token ends the token: take a new one. */
  const renewToken = async () => {
    const token = await getToken(server, credentials);
    api = (path, init = {}) => withToken(token, path, init);
  };
  const list = async () => (await (await api('/api/v2/keys/signing')).json()) as KeyObject[];
  const auditTypes = async () =>
    ((await (await api('/api/v2/logs?per_page=100')).json()) as { type: string }[]).map((entry) => entry.type);

  before(async () => {
    ({ server, api, credentials } = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '100', FEDMETA_ROTATION_RATE_PER_DAY: '100' } }));
  });
  after(async () => server.destroy());

  describe('POST /oauth/token', () => {
    const audience = () => `${server.config.issuer}/api/v2/`;
    const post = (body: string, headers: Record<string, string>) => fetch(url('/oauth/token'), { method: 'POST', body, headers });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
    const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

    it('exchanges client credentials (form, JSON or HTTP Basic) for an RS256 token with the granted scopes', async () => {
      const byForm = await post(form({ grant_type: 'client_credentials', ...credentials, audience: audience() }), formHeaders);
      expect(byForm.status).to.equal(200);
      expect(byForm.headers.get('cache-control')).to.equal('no-store');
      const token = (await byForm.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
      expect(token.token_type).to.equal('Bearer');
      expect(token.expires_in).to.equal(86400);
      expect(token.scope).to.equal('read:signing_keys create:signing_keys update:signing_keys read:logs');
      const [header] = token.access_token.split('.');
      expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).to.include({ alg: 'RS256', kid: (await currentKeyFromApi(server)).kid });

      const byJson = await post(JSON.stringify({ grant_type: 'client_credentials', ...credentials, audience: audience() }), { 'content-type': 'application/json' });
      expect(byJson.status).to.equal(200);
      const basic = Buffer.from(`${credentials.client_id}:${credentials.client_secret}`).toString('base64');
      const byBasic = await post(form({ grant_type: 'client_credentials', audience: audience(), scope: 'read:signing_keys' }), { ...formHeaders, authorization: `Basic ${basic}` });
      expect(byBasic.status).to.equal(200);
      expect(((await byBasic.json()) as { scope: string }).scope).to.equal('read:signing_keys');
    });

    it('answers RFC 6749 errors', async () => {
      const cases: [Record<string, string>, Record<string, string>, number, string][] = [
        [{ grant_type: 'client_credentials', ...credentials, client_secret: 'wrong', audience: audience() }, {}, 401, 'invalid_client'],
        [{ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x', audience: audience() }, {}, 401, 'invalid_client'],
        [{ grant_type: 'password', ...credentials, audience: audience() }, {}, 400, 'unsupported_grant_type'],
        [{ ...credentials, audience: audience() }, {}, 400, 'invalid_request'],
        [{ grant_type: 'client_credentials', ...credentials }, {}, 400, 'invalid_request'],
        [{ grant_type: 'client_credentials', ...credentials, audience: 'https://elsewhere/api/' }, {}, 403, 'access_denied'],
        [{ grant_type: 'client_credentials', ...credentials, audience: audience(), scope: 'delete:users' }, {}, 400, 'invalid_scope'],
        [{ grant_type: 'client_credentials', client_id: credentials.client_id, audience: audience() }, {}, 401, 'invalid_client'],
      ];
      for (const [fields, headers, status, error] of cases) {
        const response = await post(form(fields), { ...formHeaders, ...headers });
        expect(response.status, JSON.stringify(fields)).to.equal(status);
        expect(((await response.json()) as { error: string }).error, JSON.stringify(fields)).to.equal(error);
      }
      const badBasic = await post(form({ grant_type: 'client_credentials', audience: audience() }), {
        ...formHeaders,
        authorization: `Basic ${Buffer.from(`${credentials.client_id}:nope`).toString('base64')}`,
      });
      await expectJsonError(badBasic, 401, 'invalid_client');
      expect(badBasic.headers.get('www-authenticate')).to.match(/^Basic/);
      const malformed = await post('{"grant_type":', { 'content-type': 'application/json' });
      await expectJsonError(malformed, 400, 'invalid_request');
      expect(((await malformed.json()) as { error: string }).error).to.equal('invalid_request');
      const huge = await post(form({ grant_type: 'client_credentials', pad: 'x'.repeat(20_000) }), formHeaders);
      await expectJsonError(huge, 413, 'invalid_request');
    });

    it('audits issued tokens and failed client authentication', async () => {
      const types = await auditTypes();
      expect(types).to.include('seccft');
      expect(types).to.include('feccft');
    });
  });

  describe('keys', () => {
    it('lists keys in Auth0\'s key object shape, and gets one by kid', async () => {
      const keys = await list();
      expect(keys).to.have.length(2);
      const [current, next] = keys as [KeyObject, KeyObject];
      expect(current).to.include({ current: true, next: false, previous: false, revoked: false });
      expect(next).to.include({ current: false, next: true, previous: false, revoked: false });
      expect(current.cert).to.match(/^-----BEGIN CERTIFICATE-----\n/);
      expect(current.pkcs7).to.match(/^-----BEGIN PKCS7-----\n/);
      expect(current.subject).to.equal(`/CN=${server.config.issuerHost}`);
      expect(current.fingerprint).to.match(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
      expect(current.thumbprint).to.equal(current.fingerprint.replace(/:/g, ''));
      expect(new Date(current.current_since!).toISOString()).to.equal(current.current_since);
      expect(next).not.to.have.property('current_since');
      const one = await api(`/api/v2/keys/signing/${current.kid}`);
      expect(one.status).to.equal(200);
      expect(await one.json()).to.deep.equal(current);
      const missing = await api('/api/v2/keys/signing/nope');
      await expectJsonError(missing, 404, 'key_not_found');
      expect(await missing.json()).to.deep.include({ statusCode: 404, error: 'Not Found', errorCode: 'key_not_found' });
    });

    it('rotates: 201 {cert, kid} of the new current key; next → current, current → previous', async () => {
      const [current, next] = await list();
      const response = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
      expect(response.status).to.equal(201);
      const body = (await response.json()) as { cert: string; kid: string };
      expect(Object.keys(body).sort()).to.deep.equal(['cert', 'kid']);
      expect(body).to.deep.equal({ cert: next!.cert, kid: next!.kid });
      expect(response.headers.get('x-ratelimit-limit')).to.equal('100');
      const keys = await list();
      const byKid = new Map(keys.map((k) => [k.kid, k]));
      expect(byKid.get(next!.kid)).to.include({ current: true });
      expect(byKid.get(current!.kid)).to.include({ previous: true });
      expect(byKid.get(current!.kid)!.current_until).to.equal(byKid.get(next!.kid)!.current_since);
      expect(keys.filter((k) => k.next)).to.have.length(1);
      expect((await currentKeyFromApi(server)).kid).to.equal(next!.kid);
    });

    it('revokes a previous key (200 {cert, kid}); 409 for current, next or revoked keys; 404 for unknown ones', async () => {
      const keys = await list();
      const previous = keys.find((k) => k.previous)!;
      const current = keys.find((k) => k.current)!;
      const next = keys.find((k) => k.next)!;
      for (const kid of [current.kid, next.kid]) {
        const refused = await api(`/api/v2/keys/signing/${kid}/revoke`, { method: 'PUT' });
        await expectJsonError(refused, 409, 'key_state_conflict');
        expect(await errorCode(refused)).to.equal('key_state_conflict');
      }
      await expectJsonError(await api('/api/v2/keys/signing/unknown-kid/revoke', { method: 'PUT' }), 404, 'key_not_found');
      const revoked = await api(`/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT' });
      expect(revoked.status).to.equal(200);
      expect(await revoked.json()).to.deep.equal({ cert: previous.cert, kid: previous.kid });
      // Our token was signed by the key just revoked.
      await expectJsonError(await api('/api/v2/keys/signing'), 401, 'invalid_token');
      await renewToken();
      const again = await api(`/api/v2/keys/signing/${previous.kid}/revoke`, { method: 'PUT' });
      await expectJsonError(again, 409, 'key_state_conflict');
      const after = (await list()).find((k) => k.kid === previous.kid)!;
      expect(after).to.include({ revoked: true, previous: false });
      expect(after.revoked_at).to.be.a('string');
      // The refused calls changed nothing.
      expect((await list()).filter((k) => k.current || k.next).map((k) => k.kid)).to.deep.equal([current.kid, next.kid]);
    });

    it('emergency rotation (?revoke_previous=true) revokes the key that was current in the same step', async () => {
      const [current, next] = await list();
      // The key that signed our token is about to be revoked: fetch a new token afterwards.
      const response = await api('/api/v2/keys/signing/rotate?revoke_previous=true', { method: 'POST' });
      expect(response.status).to.equal(201);
      expect(((await response.json()) as { kid: string }).kid).to.equal(next!.kid);
      await expectJsonError(await api('/api/v2/keys/signing'), 401, 'invalid_token');
      await renewToken();
      const keys = await list();
      expect(keys.find((k) => k.kid === current!.kid)).to.include({ revoked: true });
      expect(keys.find((k) => k.kid === next!.kid)).to.include({ current: true });
      const bad = await api('/api/v2/keys/signing/rotate?revoke_previous=maybe', { method: 'POST' });
      await expectJsonError(bad, 400, 'invalid_request');
    });

    it('audits every key event, newest first', async () => {
      const logs = (await (await api('/api/v2/logs')).json()) as { event: string; date: string; actor: { type: string; id: string }; details: Record<string, string> }[];
      const keyEvents = logs.filter((entry) => entry.event.startsWith('key'));
      expect(keyEvents.map((entry) => entry.event)).to.deep.equal(['key_rotated_and_revoked', 'key_revoked', 'key_rotated', 'keys_created']);
      expect(keyEvents[0]!.actor).to.deep.equal({ type: 'api_client', id: credentials.client_id });
      const dates = logs.map((entry) => entry.date);
      expect([...dates].sort().reverse()).to.deep.equal(dates);
      expect((await api('/api/v2/logs?per_page=1')).status).to.equal(200);
      expect(((await (await api('/api/v2/logs?per_page=1')).json()) as unknown[]).length).to.equal(1);
      await expectJsonError(await api('/api/v2/logs?per_page=abc'), 400, 'invalid_request');
    });
  });

  describe('access control', () => {
    it('401 with WWW-Authenticate: Bearer without a token or with a malformed one', async () => {
      for (const authorization of [undefined, 'Basic abc', 'Bearer', 'Bearer not-a-jwt']) {
        const response = await fetch(url('/api/v2/keys/signing'), { headers: authorization ? { authorization } : {} });
        expect(response.status, String(authorization)).to.equal(401);
        expect(response.headers.get('www-authenticate')).to.match(/^Bearer realm="fedmeta"/);
        expect(await response.json()).to.deep.include({ statusCode: 401, error: 'Unauthorized', errorCode: 'invalid_token' });
      }
    });

    it('rejects alg:none, HS256 (keyed with the public key), wrong audience, wrong issuer and expired tokens', async () => {
      const signing = await signingKey(server, 'current');
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: `${server.config.issuer}/`,
        aud: `${server.config.issuer}/api/v2/`,
        sub: `${credentials.client_id}@clients`,
        client_id: credentials.client_id,
        cv: 1,
        scope: 'read:signing_keys',
        iat: now,
        exp: now + 600,
      };
      const sign = (payload: Record<string, unknown>, header: Record<string, unknown> = {}) =>
        new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: signing.kid, typ: 'at+jwt', ...header }).sign(signing.privateKey);
      // A correctly signed token is accepted, so the refusals below are about the one thing changed.
      expect((await withToken(await sign(claims), '/api/v2/keys/signing')).status).to.equal(200);
      const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(claims)}.`;
      const hsHeader = b64({ alg: 'HS256', kid: signing.kid, typ: 'at+jwt' });
      const hsBody = b64(claims);
      const hsSecret = server.services.keyring.snapshot.signing.published.certPem;
      const hs = `${hsHeader}.${hsBody}.${createHmac('sha256', hsSecret).update(`${hsHeader}.${hsBody}`).digest('base64url')}`;
      const tokens = {
        none,
        hs,
        audience: await sign({ ...claims, aud: 'https://other/api/' }),
        issuer: await sign({ ...claims, iss: 'https://evil/' }),
        expired: await sign({ ...claims, iat: now - 7200, exp: now - 3600 }),
        noExp: await sign({ iss: claims.iss, aud: claims.aud, sub: claims.sub, client_id: claims.client_id, cv: 1, scope: claims.scope, iat: now }),
        typ: await sign(claims, { typ: 'JWT' }),
      };
      for (const [name, token] of Object.entries(tokens)) {
        const response = await withToken(token, '/api/v2/keys/signing');
        await expectJsonError(response, 401, 'invalid_token', name);
        expect(response.headers.get('www-authenticate'), name).to.match(/error="invalid_token"/);
      }
    });

    it('403 insufficient_scope when a scope is missing, and the call changes nothing', async () => {
      const readOnly = await getToken(server, await addApiClient(server, 'read:signing_keys'));
      const before = await list();
      for (const [method, path] of [
        ['POST', '/api/v2/keys/signing/rotate'],
        ['PUT', `/api/v2/keys/signing/${before[0]!.kid}/revoke`],
        ['GET', '/api/v2/logs'],
      ] as const) {
        const response = await withToken(readOnly, path, { method });
        await expectJsonError(response, 403, 'insufficient_scope', path);
        expect(await errorCode(response)).to.equal('insufficient_scope');
        expect(response.headers.get('www-authenticate')).to.match(/error="insufficient_scope"/);
      }
      expect((await withToken(readOnly, '/api/v2/keys/signing')).status).to.equal(200);
      expect(await list()).to.deep.equal(before);
    });

    it('rejects oversized bodies (413) and malformed JSON (400) on the API, and unknown API routes (404)', async () => {
      const huge = await api('/api/v2/keys/signing/rotate', { method: 'POST', body: 'x'.repeat(100_000), headers: { 'content-type': 'application/json' } });
      await expectJsonError(huge, 413, 'payload_too_large');
      expect(await errorCode(huge)).to.equal('payload_too_large');
      const missing = await api('/api/v2/nothing-here');
      await expectJsonError(missing, 404, 'not_found');
      expect(await errorCode(missing)).to.equal('not_found');
    });
  });
});
