// The next key's least age (issue 12 section 1), over real HTTP with a pinned clock: a rotation while
// the next key is younger than FEDMETA_NEXT_MIN_AGE answers 409 next_key_too_young with rotatable_at;
// ?force=true overrides (audited as forced); the emergency rotate-and-revoke is exempt.
import { expect } from 'chai';
import { addApiClient, ALL_KEY_SCOPES, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { MovableClock } from '../helpers/movable-clock.js';

const SEVEN_DAYS_MS = 7 * 86_400_000;

describe('next key age (409 next_key_too_young, rotatable_at, ?force=true)', () => {
  let server: TestServer;
  const clock = new MovableClock();
  let api: (path: string, method?: string) => Promise<Response>;

  before(async () => {
    server = await startTestServer({ clock, env: { FEDMETA_NEXT_MIN_AGE: '7d', FEDMETA_ROTATION_RATE_BURST: '20' } });
    const credentials = await addApiClient(server, ALL_KEY_SCOPES);
    // A fresh token per call: the pinned clock jumps past access-token lifetimes.
    api = async (path, method = 'GET') =>
      fetch(`${server.url}${path}`, { method, headers: { authorization: `Bearer ${await getToken(server, credentials)}` } });
  });
  after(async () => server.destroy());

  const nextKey = async () => (await server.services.keys.list()).find((key) => key.state === 'next')!;
  const currentKid = async () => (await server.services.keys.list()).find((key) => key.state === 'current')!.kid;
  const lastAudit = async () => (await server.services.store.queryAudit({ limit: 1 }))[0]!;

  it('rotate while the next key is too young → 409 next_key_too_young with rotatable_at; nothing changes', async () => {
    const next = await nextKey();
    const before = await currentKid();
    const refused = await api('/api/v2/keys/signing/rotate', 'POST');
    expect(refused.status).to.equal(409);
    const rotatableAt = new Date(next.createdAt.getTime() + SEVEN_DAYS_MS).toISOString();
    expect(await refused.json()).to.deep.include({ statusCode: 409, errorCode: 'next_key_too_young', rotatable_at: rotatableAt });
    expect(await currentKid()).to.equal(before);
    expect((await nextKey()).kid).to.equal(next.kid);
  });

  it('?force=true rotates anyway and is audited as forced', async () => {
    const next = await nextKey();
    const forced = await api('/api/v2/keys/signing/rotate?force=true', 'POST');
    expect(forced.status).to.equal(201);
    expect(((await forced.json()) as { kid: string }).kid).to.equal(next.kid);
    const entry = await lastAudit();
    expect(entry).to.deep.include({ event: 'key_rotated' });
    expect(entry.details).to.deep.include({ current: next.kid, forced: true, rotatable_at: new Date(next.createdAt.getTime() + SEVEN_DAYS_MS).toISOString() });
  });

  it('the emergency rotate-and-revoke is exempt', async () => {
    const next = await nextKey();
    expect(Date.now() - next.createdAt.getTime()).to.be.below(SEVEN_DAYS_MS);
    const emergency = await api('/api/v2/keys/signing/rotate?revoke_previous=true', 'POST');
    expect(emergency.status).to.equal(201);
    expect(await currentKid()).to.equal(next.kid);
    expect((await lastAudit()).event).to.equal('key_rotated_and_revoked');
  });

  it('once the next key is old enough (pinned clock), a plain rotate succeeds, not forced', async () => {
    const next = await nextKey();
    clock.advanceTo(new Date(next.createdAt.getTime() + SEVEN_DAYS_MS - 60_000));
    expect((await api('/api/v2/keys/signing/rotate', 'POST')).status).to.equal(409);
    clock.advanceTo(new Date(next.createdAt.getTime() + SEVEN_DAYS_MS));
    expect((await api('/api/v2/keys/signing/rotate', 'POST')).status).to.equal(201);
    expect(await currentKid()).to.equal(next.kid);
    const entry = await lastAudit();
    expect(entry.event).to.equal('key_rotated');
    expect(entry.details).to.not.have.property('forced');
  });
});
