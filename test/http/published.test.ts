import { expect } from 'chai';
import { requireTool } from '../helpers/tools.js';
import { getToken, startWithToken, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { expectJsonError } from '../helpers/errors.js';
import { currentKeyFromApi, nextKeyFromApi } from '../helpers/current-key.js';
import { openssl } from '../helpers/openssl.js';

interface Jwk {
  kid: string;
  kty: string;
  use: string;
  alg: string;
  n: string;
  e: string;
  x5c: string[];
  x5t: string;
  'x5t#S256': string;
}

describe('published documents (JWKS, discovery, certificates)', () => {
  let server: TestServer;
  let api: (path: string, init?: RequestInit) => Promise<Response>;
  let credentials: ApiCredentials;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
  const jwks = async () => ((await (await get('/.well-known/jwks.json')).json()) as { keys: Jwk[] }).keys;

  before(async function () {
    requireTool(this, 'openssl');
    ({ server, api, credentials } = await startWithToken());
  });
  after(async () => server.destroy());

  it('the first start creates a current and a next key; the JWKS lists both with x5c, x5t, x5t#S256', async () => {
    const keys = await jwks();
    expect(keys.map((k) => k.kid)).to.deep.equal([(await currentKeyFromApi(server)).kid, (await nextKeyFromApi(server)).kid]);
    for (const key of keys) {
      expect(key).to.include({ kty: 'RSA', use: 'sig', alg: 'RS256' });
      expect(Object.keys(key).sort()).to.deep.equal(['alg', 'e', 'kid', 'kty', 'n', 'use', 'x5c', 'x5t', 'x5t#S256']);
      const fingerprint = openssl(['x509', '-inform', 'DER', '-noout', '-fingerprint', '-sha1'], Buffer.from(key.x5c[0]!, 'base64'));
      expect(Buffer.from(key.x5t, 'base64url').toString('hex').toUpperCase()).to.equal(fingerprint.trim().split('=')[1]!.replace(/:/g, ''));
    }
  });

  it('after a rotation the JWKS lists current, next and the unrevoked previous key, in that order', async () => {
    const before = await jwks();
    const rotated = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(rotated.status).to.equal(201);
    const after = await jwks();
    expect(after.map((k) => k.kid)).to.deep.equal([before[1]!.kid, after[1]!.kid, before[0]!.kid]);
    expect(after[1]!.kid).not.to.be.oneOf(before.map((k) => k.kid));
  });

  it('the discovery document points at the JWKS and the token endpoint', async () => {
    const response = await get('/.well-known/openid-configuration');
    expect(response.status).to.equal(200);
    const doc = (await response.json()) as Record<string, unknown>;
    expect(doc).to.include({
      issuer: `${server.config.issuer}/`,
      jwks_uri: `${server.config.issuer}/.well-known/jwks.json`,
      token_endpoint: `${server.config.issuer}/oauth/token`,
    });
    expect(doc.grant_types_supported).to.deep.equal(['client_credentials']);
    expect(doc.id_token_signing_alg_values_supported).to.deep.equal(['RS256']);
  });

  it('serves the current certificate as CER, PEM, raw PEM, PKCS#7 and fingerprint, as openssl reads them', async () => {
    const cer = await get('/cer');
    expect(cer.status).to.equal(200);
    expect(cer.headers.get('content-type')).to.equal('application/pkix-cert');
    expect(cer.headers.get('content-disposition')).to.match(/^attachment; filename=".+\.cer"$/);
    const der = Buffer.from(await cer.arrayBuffer());
    const pem = await (await get('/pem')).text();
    expect(pem, '/pem is the key the Management API marks current').to.equal((await currentKeyFromApi(server)).pem);
    expect(openssl(['x509', '-inform', 'DER'], der).trim()).to.equal(pem.trim());
    const raw = await (await get('/rawpem')).text();
    expect(raw).to.equal(der.toString('base64'));
    const pb7 = await (await get('/pb7')).text();
    expect(openssl(['pkcs7', '-print_certs'], pb7)).to.include(pem.trim());
    const fingerprint = await (await get('/fingerprint')).text();
    expect(openssl(['x509', '-noout', '-fingerprint', '-sha1'], pem).trim().split('=')[1]).to.equal(fingerprint);
    const current = (await jwks())[0]!;
    expect(raw).to.equal(current.x5c[0]);
  });

  it('?kid= selects a published key; revoked and unknown keys are 404', async () => {
    const keys = await jwks();
    for (const key of keys) {
      const raw = await (await get(`/rawpem?kid=${encodeURIComponent(key.kid)}`)).text();
      expect(raw).to.equal(key.x5c[0]);
    }
    const previous = keys[2]!;
    const revoked = await api(`/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT' });
    expect(revoked.status).to.equal(200);
    for (const path of ['/cer', '/pem', '/rawpem', '/pb7', '/fingerprint']) {
      const response = await get(`${path}?kid=${previous.kid}`);
      await expectJsonError(response, 404, 'not_found', path);
      expect(((await response.json()) as { errorCode: string }).errorCode).to.equal('not_found');
    }
    await expectJsonError(await get('/pem?kid=unknown'), 404, 'not_found');
    expect((await jwks()).map((k) => k.kid)).not.to.include(previous.kid);
  });

  it('every published document has an ETag, answers 304 to If-None-Match, HEAD and Cache-Control', async () => {
    for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/cer', '/pem', '/rawpem', '/pb7', '/fingerprint']) {
      const first = await get(path);
      const etag = first.headers.get('etag');
      expect(etag, path).to.match(/^"[\w-]+"$/);
      expect(first.headers.get('cache-control')).to.equal(`public, max-age=${server.config.metadataCacheSeconds}`);
      const again = await get(path, { 'if-none-match': etag! });
      expect(again.status, path).to.equal(304);
      expect(await again.text()).to.equal('');
      const head = await fetch(`${server.url}${path}`, { method: 'HEAD' });
      expect(head.status).to.equal(200);
      expect(head.headers.get('etag')).to.equal(etag);
      expect(head.headers.get('content-length')).to.equal(first.headers.get('content-length'));
    }
  });

  it('builds each document once per key-set version and a new one after a change', async () => {
    const first = await get('/.well-known/jwks.json');
    const etag = first.headers.get('etag')!;
    expect((await get('/.well-known/jwks.json')).headers.get('etag')).to.equal(etag);
    const snapshot = server.services.keyring.snapshot;
    expect(snapshot.once('jwks', () => 'rebuilt')).not.to.equal('rebuilt');
    // The earlier revocation ended the first token (its signing key is no longer published).
    const token = await getToken(server, credentials);
    const rotate = await fetch(`${server.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(rotate.status).to.equal(201);
    const changed = await get('/.well-known/jwks.json', { 'if-none-match': etag });
    expect(changed.status).to.equal(200);
    expect(changed.headers.get('etag')).not.to.equal(etag);
  });

  it('unknown routes are 404 JSON and wrong methods are 405', async () => {
    const missing = await get('/no/such/thing');
    await expectJsonError(missing, 404, 'not_found');
    expect(await missing.json()).to.deep.include({ statusCode: 404, errorCode: 'not_found' });
    const wrongMethod = await fetch(`${server.url}/.well-known/jwks.json`, { method: 'DELETE' });
    await expectJsonError(wrongMethod, 405, 'method_not_allowed');
    expect(wrongMethod.headers.get('allow')).to.include('GET');
  });
});
