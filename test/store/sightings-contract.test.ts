// The rollover port (rollover/types.ts) on every backend: one row per consumer and document, the
// latest sighting wins, anonymous consumers age out, acknowledgements are audited in the same transaction.
import { expect } from 'chai';
import type { Sighting } from '../../src/rollover/types.js';
import { describeOnEveryBackend, type OpenedStore } from './backends.js';

const t0 = new Date('2026-03-01T10:00:00.123Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const anon = (userAgent: string, seenAt: Date, kids = ['a', 'b']): Sighting => ({ document: 'jwks', userAgent, address: '10.0.0.1', keySetVersion: 3, kids, seenAt });

describeOnEveryBackend('rollover store contract', (current) => {
  let opened: OpenedStore;
  beforeEach(() => {
    opened = current();
  });

  it('keeps one row per consumer and document; an older sighting never overwrites a newer one', async () => {
    const sightings = opened.store;
    const app: Sighting = { document: 'samlp-metadata', clientId: 'app-1', keySetVersion: 2, kids: ['a'], seenAt: at(0) };
    await sightings.saveSightings([anon('jose', at(0)), app]);
    await sightings.saveSightings([anon('jose', at(5000), ['b', 'c']), { ...app, document: 'wsfed-metadata' }]);
    await opened.another().saveSightings([anon('jose', at(1000), ['stale'])]);
    const rows = await sightings.listSightings();
    expect(rows).to.have.length(3);
    expect(rows.find((s) => s.userAgent === 'jose')).to.deep.equal({ ...anon('jose', at(5000), ['b', 'c']), clientId: undefined });
    expect(rows.filter((s) => s.clientId === 'app-1').map((s) => s.document).sort()).to.deep.equal(['samlp-metadata', 'wsfed-metadata']);
    expect(rows.find((s) => s.clientId === 'app-1')?.userAgent).to.equal(undefined);
  });

  it('ages out anonymous consumers only; saves a batch larger than one statement holds', async () => {
    const sightings = opened.store;
    await sightings.saveSightings(Array.from({ length: 2500 }, (_, i) => anon(`agent-${i}`, at(i))));
    await sightings.saveSightings([{ document: 'samlp-metadata', clientId: 'app-1', keySetVersion: 1, kids: ['a'], seenAt: at(0) }]);
    expect(await sightings.pruneAnonymousSightings(at(2000))).to.equal(2000);
    const rows = await sightings.listSightings();
    expect(rows).to.have.length(501);
    expect(rows.some((s) => s.clientId === 'app-1')).to.equal(true);
  });

  it('records an acknowledgement with its audit entry; acknowledging again updates it', async () => {
    const sightings = opened.store;
    const audit = { event: 'rollover_acknowledged' as const, description: 'ack', actor: { type: 'cli' as const, id: 'ops' }, details: { client_id: 'app-1', kid: 'k2' } };
    await sightings.acknowledgeRollover({ clientId: 'app-1', kid: 'k2', acknowledgedAt: at(0), actorId: 'ops' }, audit);
    await sightings.acknowledgeRollover({ clientId: 'app-1', kid: 'k2', acknowledgedAt: at(60_000), actorId: 'ops2' }, audit);
    expect(await sightings.listRolloverAcknowledgements()).to.deep.equal([{ clientId: 'app-1', kid: 'k2', acknowledgedAt: at(60_000), actorId: 'ops2' }]);
    const log = await opened.store.queryAudit({ limit: 10 });
    expect(log.filter((entry) => entry.event === 'rollover_acknowledged')).to.have.length(2);
  });
});
