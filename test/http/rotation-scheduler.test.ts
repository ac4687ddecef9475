// The rotation scheduler (issue 12 section 1) with a pinned clock: a year of a 90-day policy (next key
// published 14 days ahead, previous revoked 30 days later), automatic revocation only after the revoke
// guard, a rotation that fell due while the server was down done at the next start, strict readiness,
// and two instances on one store doing exactly one rotation.
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { DAY, PinnedClock, POLICY_ENV as POLICY } from '../helpers/pinned-clock.js';
import type { AuditEntry } from '../../src/audit/types.js';
import { capturingLogger } from '../helpers/logs.js';

const audits = async (server: TestServer, type: string): Promise<AuditEntry[]> =>
  (await server.services.store.queryAudit({ limit: 500 })).filter((entry) => entry.event === type).reverse();
const bySchedulerOnly = (entries: AuditEntry[]) => entries.every((entry) => entry.actor.type === 'system' && entry.actor.id === 'scheduler');
const currentOf = async (server: TestServer) => (await server.services.keys.list()).find((key) => key.state === 'current')!;

describe('rotation scheduler (pinned clock)', () => {
  const later = cleanupsAfterEach();

  it('a year of "rotate every 90 days, next key 14 days ahead, previous revoked 30 days later"', async () => {
    const clock = new PinnedClock(Date.now());
    const start = clock.now().getTime();
    const server = await startTestServer({ clock, env: POLICY });
    later(() => server.destroy());
    await server.jobs.rotations.tick(); // the start-up pass
    const promotedAges: number[] = [];
    for (let day = 1; day <= 365; day++) {
      clock.advance(DAY);
      const next = (await server.services.keys.list()).find((key) => key.state === 'next')!;
      const before = (await currentOf(server)).kid;
      await server.jobs.rotations.tick();
      if ((await currentOf(server)).kid !== before) promotedAges.push((clock.now().getTime() - next.createdAt.getTime()) / DAY);
    }
    const rotations = await audits(server, 'key_rotated');
    expect(rotations.map((entry) => Math.round((Date.parse(entry.date) - start) / DAY))).to.deep.equal([90, 180, 270, 360]);
    expect(bySchedulerOnly(rotations)).to.equal(true);
    expect(rotations[0]!.details).to.deep.include({ scheduled: true });
    expect(promotedAges.every((age) => age >= 14), `next-key ages ${promotedAges.join(', ')}`).to.equal(true);
    const revocations = await audits(server, 'key_revoked');
    expect(revocations.map((entry) => Math.round((Date.parse(entry.date) - start) / DAY))).to.deep.equal([120, 210, 300]);
    expect(bySchedulerOnly(revocations)).to.equal(true);
    const states = (await server.services.keys.list()).map((key) => key.state).sort();
    expect(states).to.deep.equal(['current', 'next', 'previous', 'revoked', 'revoked', 'revoked']);
  });

  it('revokes automatically only once the revoke guard allows it', async () => {
    const clock = new PinnedClock(Date.now());
    const server = await startTestServer({ clock, env: { ...POLICY, FEDMETA_REVOKE_PREVIOUS_AFTER: '30m', FEDMETA_ACCESS_TOKEN_LIFETIME_SECONDS: '7200' } });
    later(() => server.destroy());
    await server.jobs.rotations.tick();
    clock.advance(90 * DAY);
    await server.jobs.rotations.tick();
    const previous = (await server.services.keys.list()).find((key) => key.state === 'previous')!;
    const [object] = await server.services.keys.keyObjects(server.services.publishedKeys, [previous]);
    clock.advance(60 * 60_000); // past current_until + 30 minutes, before revocable_at (+ 2 h + skew)
    await server.jobs.rotations.tick();
    expect((await server.services.keys.get(previous.kid)).state).to.equal('previous');
    clock.advance(Date.parse(object!.revocable_at!) - clock.now().getTime());
    await server.jobs.rotations.tick();
    expect((await server.services.keys.get(previous.kid)).state).to.equal('revoked');
    expect((await audits(server, 'key_revoked'))[0]!.details).to.deep.include({ kid: previous.kid, forced: false });
  });

  it('a rotation that fell due while the server was down happens at the next start', async () => {
    const clock = new PinnedClock(Date.now());
    const first = await startTestServer({ clock, env: POLICY });
    await first.jobs.rotations.tick();
    const before = (await currentOf(first)).kid;
    await first.close();
    clock.advance(100 * DAY);
    const restarted = await startTestServer({ clock, env: POLICY, dir: first.dir });
    later(() => restarted.destroy());
    await restarted.jobs.rotations.tick(); // joins the start-up pass
    expect((await currentOf(restarted)).kid).to.not.equal(before);
    expect(await audits(restarted, 'key_rotated')).to.have.length(1);
  });

  it('follows strict readiness: not ready → skipped and logged, nothing changes', async () => {
    const clock = new PinnedClock(Date.now());
    const log = capturingLogger();
    const server = await startTestServer({ clock, env: { ...POLICY, FEDMETA_ROTATION_REQUIRE_READY: 'true' }, logger: log });
    later(() => server.destroy());
    await server.jobs.rotations.tick();
    const app = await server.services.clients.create(
      { name: 'SAML SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:sp:strict' } } },
      { type: 'system', id: 'test' },
    );
    expect((await fetch(`${server.url}/samlp/metadata/${app.clientId}`)).status).to.equal(200);
    clock.advance(90 * DAY);
    await server.jobs.rotations.tick(); // ready: the application has seen the next key
    expect(await audits(server, 'key_rotated')).to.have.length(1);
    const before = (await currentOf(server)).kid;
    clock.advance(90 * DAY); // the application has not fetched the new next key
    log.lines.length = 0;
    await server.jobs.rotations.tick();
    expect((await currentOf(server)).kid).to.equal(before);
    const warnings = log.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(warnings.join('\n')).to.match(/^scheduled rotation skipped \(rollover_not_ready\)/);
  });

  it('two instances on one store rotate exactly once', async () => {
    const clock = new PinnedClock(Date.now());
    const first = await startTestServer({ clock, env: POLICY });
    later(() => first.destroy());
    const second = await startTestServer({ clock, env: POLICY, dir: first.dir });
    later(() => second.close());
    await Promise.all([first.jobs.rotations.tick(), second.jobs.rotations.tick()]);
    clock.advance(90 * DAY);
    await Promise.all([first.jobs.rotations.tick(), second.jobs.rotations.tick()]);
    await Promise.all([first.jobs.rotations.tick(), second.jobs.rotations.tick()]);
    const rotations = await audits(first, 'key_rotated');
    expect(rotations).to.have.length(1);
    expect((await first.services.keys.list()).filter((key) => key.state === 'next')).to.have.length(1);
    expect((await first.services.keys.list())).to.have.length(3);
  });
});
