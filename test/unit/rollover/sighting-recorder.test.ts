import { expect } from 'chai';
import { SIGHTING_BUFFER_LIMIT, SightingRecorder } from '../../../src/rollover/sighting-recorder.js';
import type { Sighting } from '../../../src/rollover/types.js';
import type { SightingStore } from '../../../src/rollover/sighting-store.js';

function memoryStore() {
  const batches: Sighting[][] = [];
  const store: SightingStore = {
    saveSightings: async (batch) => void batches.push(batch),
    listSightings: async () => batches.flat(),
    pruneAnonymousSightings: async () => 0,
    acknowledgeRollover: async () => {},
    listRolloverAcknowledgements: async () => [],
  };
  return { store, batches };
}

const sighting = (userAgent: string, at: number): Sighting => ({ document: 'jwks', userAgent, address: '10.0.0.1', keySetVersion: 1, kids: ['a', 'b'], seenAt: new Date(at) });

describe('SightingRecorder', () => {
  it('keeps one entry per consumer between flushes (the latest), and writes nothing until a flush', async () => {
    const { store, batches } = memoryStore();
    const recorder = new SightingRecorder({ store, clock: { now: () => new Date(0) }, retentionMs: 1000 });
    for (let i = 0; i < 1000; i += 1) recorder.record(sighting(`agent-${i % 3}`, i));
    expect(batches).to.have.length(0);
    await recorder.flush();
    expect(batches).to.have.length(1);
    expect(batches[0]!.map((s) => s.seenAt.getTime()).sort((a, b) => a - b)).to.deep.equal([997, 998, 999]);
    await recorder.flush();
    expect(batches, 'an empty buffer writes nothing').to.have.length(1);
  });

  it('is bounded: past the limit, new consumers are dropped and counted', async () => {
    const { store, batches } = memoryStore();
    const recorder = new SightingRecorder({ store, clock: { now: () => new Date(0) }, retentionMs: 1000 });
    for (let i = 0; i < SIGHTING_BUFFER_LIMIT + 5; i += 1) recorder.record(sighting(`agent-${i}`, i));
    recorder.record(sighting('agent-0', 1));
    expect(recorder.stats.dropped).to.equal(5);
    await recorder.stop();
    expect(batches[0]).to.have.length(SIGHTING_BUFFER_LIMIT);
  });
});
