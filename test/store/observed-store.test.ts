// The store as a running server sees it (src/observability/observed-store.ts), on both backends:
// committed audit entries become log lines, refusals are not store errors, failures are (counted and
// logged), and an entry whose change failed is never logged.
import { expect } from 'chai';
import { describeOnEveryBackend } from './backends.js';
import { observedStore } from '../../src/observability/observed-store.js';
import { FedmetaMetrics } from '../../src/observability/metrics.js';
import { keyStateConflict } from '../../src/errors.js';
import { capturingLogger } from '../helpers/logs.js';
import { systemClock } from '../../src/clock.js';
import type { KeySetSnapshot } from '../../src/keys/keyring.js';

const ACTOR = { type: 'system' as const, id: 'test' };
const entry = (description: string) => ({ event: 'log_stream_created' as const, description, actor: ACTOR, details: { id: 'ls1' } });

describeOnEveryBackend('observed store', (opened) => {
  function observe() {
    const log = capturingLogger();
    const metrics = new FedmetaMetrics({ keySet: () => ({}) as KeySetSnapshot, clock: systemClock });
    const storeErrors = async () => (await metrics.storeErrors.get()).values.reduce((sum, value) => sum + value.value, 0);
    return { log, storeErrors, store: observedStore(opened().store, log, metrics) };
  }

  it('logs a committed audit entry with its event, actor and details', async () => {
    const { log, store, storeErrors } = observe();
    await store.appendAudit(entry('Created log stream "siem"'), new Date());
    expect(log.lines).to.deep.equal([{ level: 'info', message: 'Created log stream "siem"', fields: { event: 'log_stream_created', actor: ACTOR, details: { id: 'ls1' } } }]);
    expect(await storeErrors()).to.equal(0);
  });

  it('a refusal inside a key change is not a store error, and logs nothing', async () => {
    const { log, store, storeErrors } = observe();
    const plan = (): never => {
      throw keyStateConflict('no');
    };
    const refused = await store.changeKeys({ now: new Date(), plan, audit: () => [entry('never')] }).then(() => undefined, (error: unknown) => error);
    expect(refused).to.have.property('code', 'key_state_conflict');
    expect(log.lines).to.deep.equal([]);
    expect(await storeErrors()).to.equal(0);
  });

  it('a failing call is counted and logged by operation; its audit entry is not logged', async () => {
    const { log, store, storeErrors } = observe();
    await opened().sql('DROP TABLE audit_log');
    const failed = await store.appendAudit(entry('lost'), new Date()).then(() => 'written', () => 'failed');
    expect(failed).to.equal('failed');
    expect(await storeErrors()).to.equal(1);
    expect(log.lines.map((line) => [line.level, line.message, line.fields.operation])).to.deep.equal([['error', 'store call failed', 'appendAudit']]);
  });
});
