// Signing keys that do not open fail closed (issue 9, items 4 and 9): a damaged or tampered sealed
// private key is never promoted, never signs, and never keeps a revoked key published; the emergency
// rotate-and-revoke keeps an allowance of its own. Runs on SQLite and, in the PostgreSQL pass, on
// PostgreSQL (the rows are damaged directly in whichever store the server uses).
import { expect } from 'chai';
import { seal } from '../../src/keys/seal.js';
import { addApiClient, ALL_KEY_SCOPES, getToken, startTestServer, startWithToken, TEST_KEK, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { setSealedPrivateKey } from '../helpers/store-rows.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { errorCodeOf } from '../helpers/browser.js';

const errorCodeOfPage = (body: string) => errorCodeOf({ body } as Parameters<typeof errorCodeOf>[0]);

interface KeyObject {
  kid: string;
  cert: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
}

interface LogEntry {
  event: string;
  details: Record<string, unknown>;
}

const KEK = Buffer.from(TEST_KEK, 'base64url');
const certBodyOf = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');
/** The certificate in the document's enveloped ds:Signature (metadata: the first child). */
const signatureCertificateOf = (xml: string) => /<ds:Signature[\s\S]*?<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/.exec(xml)?.[1];
const OTHER_KEK = Buffer.alloc(32, 9);
const ISSUER = 'https://idp.example.test';

/** Ways a stored sealed private key can be damaged or tampered with; none of them may ever sign. */
const DAMAGED_ROWS: { name: string; damage: (sealed: string, kid: string, otherSealed: string) => string }[] = [
  {
    name: 'altered (one ciphertext byte flipped)',
    damage: (sealed) => {
      const [version, wrapped, body] = sealed.split('.');
      const bytes = Buffer.from(body!, 'base64url');
      bytes[bytes.length - 1]! ^= 0x01;
      return `${version}.${wrapped}.${bytes.toString('base64url')}`;
    },
  },
  { name: 'truncated', damage: (sealed) => sealed.slice(0, 40) },
  { name: 'not a sealed value', damage: () => 'fmk1.garbage' },
  { name: 'sealed under another KEK', damage: (_sealed, kid) => seal(OTHER_KEK, kid, 'x') },
  { name: 'copied from another key (the kid is authenticated)', damage: (_sealed, _kid, otherSealed) => otherSealed },
  { name: 'a sealed value that is not a private key', damage: (_sealed, kid) => seal(KEK, kid, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') },
];

async function damage(server: TestServer, state: 'current' | 'next' | 'previous', how = DAMAGED_ROWS[0]!): Promise<string> {
  const keys = await server.services.store.listKeys();
  const row = keys.find((key) => key.state === state)!;
  const other = keys.find((key) => key.kid !== row.kid)!;
  await setSealedPrivateKey(server.config, row.kid, how.damage(row.sealedPrivateKey!, row.kid, other.sealedPrivateKey!));
  return row.kid;
}

const jwksKids = async (server: TestServer) =>
  ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);


describe('signing keys that do not open fail closed (issue 9 item 4)', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.destroy();
    server = undefined;
  });

  for (const how of DAMAGED_ROWS) {
    it(`rotate with a next key whose sealed row is ${how.name}: 503 key_unavailable, key set unchanged, audited`, async () => {
      const started = await startWithToken();
      server = started.server;
      const nextKid = await damage(server, 'next', how);
      const before = (await (await started.api('/api/v2/keys/signing')).json()) as KeyObject[];
      const jwksBefore = await jwksKids(server);

      const refused = await started.api('/api/v2/keys/signing/rotate', { method: 'POST' });
      expect(refused.status).to.equal(503);
      expect(await refused.json()).to.deep.include({ statusCode: 503, errorCode: 'key_unavailable' });

      expect(await (await started.api('/api/v2/keys/signing')).json()).to.deep.equal(before);
      expect(await jwksKids(server)).to.deep.equal(jwksBefore);
      expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
      const logs = (await (await started.api('/api/v2/logs')).json()) as LogEntry[];
      expect(logs.filter((entry) => entry.event === 'key_rotated')).to.have.length(0);
      const failure = logs.find((entry) => entry.event === 'key_rotation_failed');
      expect(failure?.details).to.deep.include({ next: nextKid, reason: 'key_unavailable', revoke_previous: false });
    });
  }

  it('emergency rotate-and-revoke with a damaged next key changes nothing: 503 key_unavailable, the current key still signs', async () => {
    const started = await startWithToken();
    server = started.server;
    const currentKid = (await currentKeyFromApi(server)).kid;
    const nextKid = await damage(server, 'next');
    const before = (await (await started.api('/api/v2/keys/signing')).json()) as KeyObject[];

    const refused = await started.api('/api/v2/keys/signing/rotate?revoke_previous=true', { method: 'POST' });
    expect(refused.status).to.equal(503);
    expect(await refused.json()).to.deep.include({ errorCode: 'key_unavailable' });
    expect(await (await started.api('/api/v2/keys/signing')).json()).to.deep.equal(before);
    expect(await jwksKids(server)).to.deep.equal([currentKid, nextKid]);
    // The token endpoint still signs with the current key, which was never revoked.
    const token = await getToken(server, started.credentials);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).to.equal(currentKid);
    const logs = (await (await started.api('/api/v2/logs')).json()) as LogEntry[];
    expect(logs.filter((entry) => entry.event === 'key_rotated_and_revoked')).to.have.length(0);
    expect(logs.find((entry) => entry.event === 'key_rotation_failed')?.details).to.deep.include({ next: nextKid, revoke_previous: true });
  });

  it('revoking a previous key whose sealed row is damaged answers 200 and takes it out of the JWKS, certificates and metadata at once', async () => {
    const started = await startWithToken();
    server = started.server;
    expect((await started.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const previousKid = await damage(server, 'previous');
    const previousCert = (await server.services.store.listKeys()).find((key) => key.kid === previousKid)!.certPem;
    const certBody = previousCert.replace(/-----[A-Z ]+-----|\s/g, '').slice(0, 64);
    expect(await jwksKids(server)).to.include(previousKid);
    expect(await (await fetch(`${server.url}/samlp/metadata`)).text()).to.include(certBody);

    const token = await getToken(server, started.credentials);
    const revoked = await fetch(`${server.url}/api/v2/keys/signing/${previousKid}/revoke?force=true`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(revoked.status).to.equal(200);

    expect(await jwksKids(server)).not.to.include(previousKid);
    expect((await fetch(`${server.url}/pem?kid=${previousKid}`)).status).to.equal(404);
    const samlMetadata = await fetch(`${server.url}/samlp/metadata`);
    expect(samlMetadata.status).to.equal(200);
    expect(await samlMetadata.text()).not.to.include(certBody);
    const wsfedMetadata = await fetch(`${server.url}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`);
    expect(wsfedMetadata.status).to.equal(200);
    expect(await wsfedMetadata.text()).not.to.include(certBody);
  });

  it('every instance drops a revoked key at once, also an instance whose current key does not open', async () => {
    const a = await startWithToken({ env: { FEDMETA_ISSUER: ISSUER } });
    server = a.server;
    const oldKid = (await currentKeyFromApi(server)).kid;
    expect((await a.api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const currentKid = await damage(server, 'current');
    // A second instance on the same store starts after the damage: not ready, but it publishes.
    const b = await startTestServer({ dir: server.dir, env: { FEDMETA_ISSUER: ISSUER } });
    try {
      expect((await fetch(`${b.url}/readyz`)).status).to.equal(503);
      expect((await fetch(`${server.url}/readyz`)).status).to.equal(200);
      expect(await jwksKids(b)).to.include(oldKid);
      const revoked = await a.api(`/api/v2/keys/signing/${oldKid}/revoke?force=true`, { method: 'PUT' });
      expect(revoked.status).to.equal(200);
      expect(await jwksKids(server)).not.to.include(oldKid);
      await b.services.keyring.refresh(); // what its store watch runs on every poll or push notice
      expect(await jwksKids(b)).to.deep.equal((await jwksKids(server)));
      expect(await jwksKids(b)).not.to.include(oldKid);
      expect((await jwksKids(b))[0]).to.equal(currentKid);
    } finally {
      await b.close();
    }
  });

  describe('a current key that does not open (after a restart)', () => {
    let credentials: ApiCredentials;
    let token: string;
    let currentKid: string;
    let previousKid: string;

    beforeEach(async () => {
      // One issuer across the restart, so tokens issued before it stay valid.
      const first = await startTestServer({ env: { FEDMETA_ISSUER: ISSUER } });
      credentials = await addApiClient(first, ALL_KEY_SCOPES);
      let firstToken = await getToken(first, credentials);
      const rotated = await fetch(`${first.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${firstToken}` } });
      expect(rotated.status).to.equal(201);
      // A token signed by the key that is about to be damaged (its signature stays valid).
      firstToken = await getToken(first, credentials);
      token = firstToken;
      previousKid = (await first.services.store.listKeys()).find((key) => key.state === 'previous')!.kid;
      currentKid = await damage(first, 'current');
      await first.close();
      server = await startTestServer({ dir: first.dir, env: { FEDMETA_ISSUER: ISSUER } });
    });

    it('/readyz 503 with reason key_unavailable; sign-in, logout and /oauth/token answer 503 key_unavailable; nothing signs', async () => {
      const s = server!;
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).to.equal(503);
      const body = (await ready.json()) as { status: string; reason: string; database: string; keys: { current: string; signing: string } };
      expect(body).to.deep.include({ status: 'not_ready', reason: 'key_unavailable', database: 'ok' });
      expect(body.keys).to.deep.include({ current: currentKid, signing: 'unavailable' });

      const signIns = [
        { method: 'GET', path: '/samlp' },
        { method: 'GET', path: '/samlp/some-client?SAMLRequest=x' },
        { method: 'POST', path: '/samlp/some-client' },
        { method: 'GET', path: '/samlp/some-client/logout' },
        { method: 'GET', path: '/wsfed?wa=wsignin1.0&wtrealm=urn%3Aany' },
        { method: 'GET', path: '/wsfed/some-client?wa=wsignin1.0' },
        { method: 'GET', path: '/samlp/resume/some-state' },
        { method: 'GET', path: '/wsfed/resume/some-state' },
      ];
      for (const { method, path } of signIns) {
        const response = await fetch(`${s.url}${path}`, { method, redirect: 'manual' });
        expect(response.status, `${method} ${path}`).to.equal(503);
        expect(response.headers.get('content-type'), path).to.match(/^text\/html/);
        expect(errorCodeOfPage(await response.text()), path).to.equal('key_unavailable');
      }

      const tokenResponse = await fetch(`${s.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${s.config.issuer}/api/v2/` }),
      });
      expect(tokenResponse.status).to.equal(503);
      expect(await tokenResponse.json()).to.deep.include({ error: 'key_unavailable' });

      // Nothing is signed with another token key. Metadata is signed by the dedicated metadata-signing
      // key (issue 11), which opens: still served, signed by that key (FEDMETA_METADATA_SIGNER=current: 503, below).
      const pinned = certBodyOf(await (await fetch(`${s.url}/metadata-signer.pem`)).text());
      for (const path of ['/samlp/metadata', '/wsfed/FederationMetadata/2007-06/FederationMetadata.xml']) {
        const metadata = await fetch(`${s.url}${path}`);
        expect(metadata.status, path).to.equal(200);
        expect(signatureCertificateOf(await metadata.text()), path).to.equal(pinned);
      }
      expect((await jwksKids(s))[0]).to.equal(currentKid);
      expect((await fetch(`${s.url}/healthz`)).status).to.equal(200);
    });

    it('with FEDMETA_METADATA_SIGNER=current, metadata answers 503 key_unavailable (never signed by another key)', async () => {
      const current = await startTestServer({ dir: server!.dir, env: { FEDMETA_ISSUER: ISSUER, FEDMETA_METADATA_SIGNER: 'current' } });
      try {
        const metadata = await fetch(`${current.url}/samlp/metadata`);
        expect(metadata.status).to.equal(503);
        expect(await metadata.json()).to.deep.include({ errorCode: 'key_unavailable' });
        expect((await fetch(`${current.url}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`)).status).to.equal(503);
      } finally {
        await current.close();
      }
    });

    it('a revocation still leaves the JWKS at once, and an emergency rotation recovers: ready again, tokens from the new key', async () => {
      const s = server!;
      const api = (path: string, method: string) => fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      expect(await jwksKids(s)).to.include(previousKid);
      expect((await api(`/api/v2/keys/signing/${previousKid}/revoke?force=true`, 'PUT')).status).to.equal(200);
      expect(await jwksKids(s)).not.to.include(previousKid);
      expect((await fetch(`${s.url}/readyz`)).status).to.equal(503);

      const rotated = await api('/api/v2/keys/signing/rotate?revoke_previous=true', 'POST');
      expect(rotated.status).to.equal(201);
      const newKid = ((await rotated.json()) as { kid: string }).kid;
      expect(await jwksKids(s)).not.to.include(currentKid);
      expect((await fetch(`${s.url}/readyz`)).status).to.equal(200);
      const fresh = await getToken(s, credentials);
      expect(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid).to.equal(newKid);
    });
  });
});

describe('the emergency rotate-and-revoke has its own allowance (issue 9 item 9)', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.destroy());

  it('plain rotations exhausted (429) do not block the emergency rotate (201); the emergency bucket has its own 429', async () => {
    const started = await startWithToken({
      env: {
        FEDMETA_ROTATION_RATE_BURST: '2',
        FEDMETA_ROTATION_RATE_PER_DAY: '2',
        FEDMETA_EMERGENCY_ROTATION_RATE_BURST: '1',
        FEDMETA_EMERGENCY_ROTATION_RATE_PER_DAY: '1',
      },
    });
    server = started.server;
    const rotate = (query = '') => started.api(`/api/v2/keys/signing/rotate${query}`, { method: 'POST' });
    expect((await rotate()).status).to.equal(201);
    expect((await rotate()).status).to.equal(201);
    const plainRefused = await rotate();
    expect(plainRefused.status).to.equal(429);
    expect(await plainRefused.json()).to.deep.include({ errorCode: 'too_many_requests' });
    // A revocation spends the plain bucket only, and is refused with it.
    const previous = (await server.services.store.listKeys()).find((key) => key.state === 'previous')!;
    const token = await getToken(server, started.credentials);
    const revoke = await fetch(`${server.url}/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    expect(revoke.status).to.equal(429);

    const emergency = await fetch(`${server.url}/api/v2/keys/signing/rotate?revoke_previous=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(emergency.status).to.equal(201);
    expect(emergency.headers.get('x-ratelimit-limit')).to.equal('1');
    expect(emergency.headers.get('x-ratelimit-remaining')).to.equal('0');

    const before = await server.services.store.listKeys();
    const fresh = await getToken(server, started.credentials);
    const again = await fetch(`${server.url}/api/v2/keys/signing/rotate?revoke_previous=true`, { method: 'POST', headers: { authorization: `Bearer ${fresh}` } });
    expect(again.status).to.equal(429);
    expect(again.headers.get('x-ratelimit-limit')).to.equal('1');
    expect(Number(again.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(await again.json()).to.deep.include({ statusCode: 429, errorCode: 'too_many_requests' });
    expect(await server.services.store.listKeys()).to.deep.equal(before);
  });
});
