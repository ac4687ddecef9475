// The log stream port (src/log-streams/types.ts) on every backend: the cursor starts at the newest
// audit entry, one lease holder at a time, only the holder records a delivery, the cursor never moves
// back, a stream paused meanwhile stays paused, and resuming clears a suspension.
import { expect } from 'chai';
import type { AuditInput } from '../../src/audit/types.js';
import type { AuditEventType } from '../../src/audit/event-types.js';
import type { LogStreamRecord } from '../../src/log-streams/types.js';
import { BACKENDS, type OpenedStore } from './backends.js';

const t0 = new Date('2026-03-01T10:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const audit = (event: AuditEventType): AuditInput => ({ event, description: event, actor: { type: 'system', id: 'contract' } });

function stream(id: string): LogStreamRecord {
  return {
    id,
    name: `stream ${id}`,
    status: 'active',
    sink: { httpEndpoint: 'https://logs.example.com/in', httpContentType: 'application/json', httpContentFormat: 'JSONARRAY' },
    sealedSecret: 'fmk1.sealed.secret',
    filters: [{ type: 'category', name: 'keys' }],
    deliveredId: 0,
    failures: 0,
    nextAttemptAt: t0,
    createdAt: t0,
    updatedAt: t0,
  };
}

for (const backend of BACKENDS) {
  describe(`log streams store (${backend.name})`, () => {
    let opened: OpenedStore;
    before(async function () {
      await backend.require(this);
    });
    beforeEach(async () => (opened = await backend.open()));
    afterEach(async () => opened?.destroy());

    it('creates a stream with its cursor at the newest audit entry; its own audit entry comes after it', async () => {
      const { store } = opened;
      await store.appendAudit(audit('keys_created'), t0);
      await store.appendAudit(audit('key_rotated'), t0);
      const created = await store.createLogStream(stream('a'), audit('log_stream_created'));
      expect(created).to.deep.include({ id: 'a', status: 'active', failures: 0 });
      expect(created.filters).to.deep.equal([{ type: 'category', name: 'keys' }]);
      expect(created.sink.httpEndpoint).to.equal('https://logs.example.com/in');
      const after = await store.auditAfterId(created.deliveredId, 10);
      expect(after.map((entry) => entry.event)).to.deep.equal(['log_stream_created']);
      expect(Number(after[0]!.log_id)).to.equal(created.deliveredId + 1);
      expect(await store.getLogStream('a')).to.deep.equal(created);
      expect(await store.listLogStreams()).to.have.length(1);
    });

    it('one lease holder at a time across handles; only the holder records, and the cursor never moves back', async () => {
      const { store } = opened;
      const other = opened.another();
      await store.createLogStream(stream('b'), audit('log_stream_created'));
      const leases = await Promise.all([
        store.leaseLogStream('b', 'one', t0, later(30_000)),
        other.leaseLogStream('b', 'two', t0, later(30_000)),
      ]);
      expect(leases.filter(Boolean)).to.have.length(1);
      const holder = leases[0] ? 'one' : 'two';
      const stranger = holder === 'one' ? 'two' : 'one';
      const state = { status: 'active' as const, deliveredId: 5, failures: 0, nextAttemptAt: t0, lastDeliveryAt: t0 };
      expect(await store.finishDelivery('b', stranger, state, undefined, t0)).to.equal(false);
      expect(await store.finishDelivery('b', holder, state, undefined, t0)).to.equal(true);
      expect((await store.getLogStream('b'))!.deliveredId).to.equal(5);
      // Released: anyone may lease again; an older cursor does not move it back.
      expect(await other.leaseLogStream('b', 'three', t0, later(1_000))).to.not.equal(undefined);
      await other.finishDelivery('b', 'three', { ...state, deliveredId: 3 }, undefined, t0);
      expect((await store.getLogStream('b'))!.deliveredId).to.equal(5);
      // An expired lease may be taken over.
      await store.leaseLogStream('b', 'four', t0, later(1_000));
      expect(await other.leaseLogStream('b', 'five', later(500), later(2_000))).to.equal(undefined);
      expect(await other.leaseLogStream('b', 'five', later(1_500), later(3_000))).to.not.equal(undefined);
    });

    it('a stream not due, paused or suspended is not leased; a pause during delivery stays; resuming clears a suspension', async () => {
      const { store } = opened;
      await store.createLogStream(stream('c'), audit('log_stream_created'));
      await store.leaseLogStream('c', 'one', t0, later(1_000));
      await store.updateLogStream('c', { status: 'paused' }, audit('log_stream_updated'), t0);
      const suspended = { status: 'suspended' as const, deliveredId: 0, failures: 3, lastError: 'HTTP 500', suspendedReason: '3 consecutive delivery failures', nextAttemptAt: later(60_000) };
      await store.finishDelivery('c', 'one', suspended, audit('log_stream_suspended'), t0);
      expect((await store.getLogStream('c'))!.status).to.equal('paused');
      expect(await store.leaseLogStream('c', 'two', later(120_000), later(121_000))).to.equal(undefined);

      await store.updateLogStream('c', { status: 'active' }, audit('log_stream_updated'), t0);
      await store.leaseLogStream('c', 'two', t0, later(1_000));
      await store.finishDelivery('c', 'two', suspended, audit('log_stream_suspended'), t0);
      const stopped = (await store.getLogStream('c'))!;
      expect(stopped).to.deep.include({ status: 'suspended', failures: 3, suspendedReason: '3 consecutive delivery failures' });
      expect(await store.leaseLogStream('c', 'three', later(120_000), later(121_000))).to.equal(undefined);

      const resumed = (await store.updateLogStream('c', { status: 'active', name: 'renamed', sealedAuthorization: 'fmk1.auth' }, audit('log_stream_updated'), later(5)))!;
      expect(resumed).to.deep.include({ status: 'active', failures: 0, name: 'renamed', sealedAuthorization: 'fmk1.auth' });
      expect(resumed.suspendedReason).to.equal(undefined);
      expect(resumed.nextAttemptAt.getTime()).to.equal(later(5).getTime());
      const types = (await store.queryAudit({ limit: 10 })).map((entry) => entry.event);
      expect(types.filter((type) => type === 'log_stream_suspended')).to.have.length(1);
      expect(await store.updateLogStream('missing', { name: 'x' }, audit('log_stream_updated'), t0)).to.equal(undefined);
      expect(await store.deleteLogStream('c', audit('log_stream_deleted'), t0)).to.equal(true);
      expect(await store.deleteLogStream('c', audit('log_stream_deleted'), t0)).to.equal(false);
    });
  });
}
