// The revoke guard (issue 11 section 2), over real HTTP with a pinned clock: a previous key may not
// be revoked until current_until + the longest lifetime of anything it signs + the clock skew;
// ?force=true overrides (audited as forced); the emergency rotate-and-revoke is exempt.
import { expect } from 'chai';
import { addApiClient, ALL_KEY_SCOPES, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { MovableClock } from '../helpers/movable-clock.js';
import { REVOKE_CLOCK_SKEW_SECONDS } from '../../src/keys/revoke-guard.js';

interface KeyObject {
  kid: string;
  previous: boolean;
  revoked: boolean;
  current_until?: string;
  revocable_at?: string;
}

const ACCESS_TOKEN_SECONDS = 600;
const LONGEST_ASSERTION_SECONDS = 7200;

describe('revoke guard (409 key_still_in_use, revocable_at, ?force=true)', () => {
  let server: TestServer;
  const clock = new MovableClock();
  let api: (path: string, method?: string, json?: unknown) => Promise<Response>;

  before(async () => {
    server = await startTestServer({ clock, env: { FEDMETA_ACCESS_TOKEN_LIFETIME_SECONDS: String(ACCESS_TOKEN_SECONDS), FEDMETA_ROTATION_RATE_BURST: '20' } });
    const credentials = await addApiClient(server, `${ALL_KEY_SCOPES} create:clients`);
    // A fresh token per call: the pinned clock jumps past access-token lifetimes.
    api = async (path, method = 'GET', json) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await getToken(server, credentials)}`, 'content-type': 'application/json' },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    const apps = [
      { name: 'SAML SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:sp:guard', lifetimeInSeconds: 3600 } } },
      { name: 'WS-Fed RP', callbacks: ['https://rp.example.com/'], addons: { wsfed: { realm: 'urn:rp:guard', lifetimeInSeconds: LONGEST_ASSERTION_SECONDS } } },
    ];
    for (const app of apps) expect((await api('/api/v2/clients', 'POST', app)).status).to.equal(201);
  });
  after(async () => server.destroy());

  const previousKey = async () => ((await (await api('/api/v2/keys/signing')).json()) as KeyObject[]).find((key) => key.previous)!;

  it('key objects carry revocable_at = current_until + the longest assertion or token lifetime + the clock skew', async () => {
    expect((await api('/api/v2/keys/signing/rotate', 'POST')).status).to.equal(201);
    const key = await previousKey();
    const expected = Date.parse(key.current_until!) + (LONGEST_ASSERTION_SECONDS + REVOKE_CLOCK_SKEW_SECONDS) * 1000;
    expect(Date.parse(key.revocable_at!)).to.equal(expected);
    const one = (await (await api(`/api/v2/keys/signing/${key.kid}`)).json()) as KeyObject;
    expect(one.revocable_at).to.equal(key.revocable_at);
    const all = (await (await api('/api/v2/keys/signing')).json()) as KeyObject[];
    expect(all.filter((candidate) => candidate.revocable_at).map((candidate) => candidate.kid)).to.deep.equal([key.kid]);
  });

  it('revoke before revocable_at → 409 key_still_in_use with revocable_at; nothing changes', async () => {
    const key = await previousKey();
    clock.advanceTo(new Date(Date.parse(key.revocable_at!) - 60_000));
    const refused = await api(`/api/v2/keys/signing/${key.kid}/revoke`, 'PUT');
    expect(refused.status).to.equal(409);
    expect(await refused.json()).to.deep.include({ statusCode: 409, errorCode: 'key_still_in_use', revocable_at: key.revocable_at });
    expect((await previousKey()).kid).to.equal(key.kid);
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((jwk) => jwk.kid)).to.include(key.kid);
  });

  it('revoke after revocable_at (pinned clock) → 200, audited as not forced', async () => {
    const key = await previousKey();
    clock.advanceTo(new Date(Date.parse(key.revocable_at!)));
    const revoked = await api(`/api/v2/keys/signing/${key.kid}/revoke`, 'PUT');
    expect(revoked.status).to.equal(200);
    expect(((await revoked.json()) as { kid: string }).kid).to.equal(key.kid);
    const [entry] = await server.services.store.queryAudit({ limit: 1 });
    expect(entry).to.deep.include({ event: 'key_revoked' });
    expect(entry!.details).to.deep.include({ kid: key.kid, forced: false });
  });

  it('?force=true revokes before revocable_at and is audited as forced', async () => {
    expect((await api('/api/v2/keys/signing/rotate', 'POST')).status).to.equal(201);
    const key = await previousKey();
    expect((await api(`/api/v2/keys/signing/${key.kid}/revoke?force=false`, 'PUT')).status).to.equal(409);
    const forced = await api(`/api/v2/keys/signing/${key.kid}/revoke?force=true`, 'PUT');
    expect(forced.status).to.equal(200);
    const [entry] = await server.services.store.queryAudit({ limit: 1 });
    expect(entry).to.deep.include({ event: 'key_revoked' });
    expect(entry!.details).to.deep.include({ kid: key.kid, forced: true, revocable_at: key.revocable_at });
    expect((await api(`/api/v2/keys/signing/${key.kid}/revoke?force=maybe`, 'PUT')).status).to.equal(400);
  });

  it('the emergency rotate-and-revoke is exempt', async () => {
    const before = ((await (await api('/api/v2/keys/signing')).json()) as (KeyObject & { current: boolean })[]).find((key) => key.current)!;
    expect((await api('/api/v2/keys/signing/rotate?revoke_previous=true', 'POST')).status).to.equal(201);
    const after = ((await (await api('/api/v2/keys/signing')).json()) as KeyObject[]).find((key) => key.kid === before.kid)!;
    expect(after.revoked).to.equal(true);
  });
});
