// Delivery of the audit log to every active log stream: a periodic job started by the server and
// stopped on close, never on a request's path. Each pass leases a due stream (one holder across
// instances), reads the audit entries after its cursor, POSTs the wanted ones, and records the outcome
// with the lease released. The cursor lives in the store, so a restart resumes where delivery stood:
// at least once (a crash between the POST and the record repeats that batch; receivers dedupe on log_id).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { LogStreamSettings } from '../config.js';
import { type AuditInput } from '../audit/types.js';
import { unseal } from '../keys/seal.js';
import { deliveryBody, delivered, failed, wanted } from './delivery.js';
import { postBatch, type Sender } from './http-sink.js';
import { authorizationAad, secretAad } from './service.js';
import type { DeliveryState, LogStreamRecord } from './types.js';
import type { LogStreamStore } from './log-stream-store.js';
import type { AuditStore } from '../audit/audit-store.js';
import { PeriodicJob } from '../periodic-job.js';

export interface DispatcherDeps {
  store: LogStreamStore & Pick<AuditStore, 'auditAfterId'>;
  kek: Buffer;
  clock: Clock;
  settings: LogStreamSettings;
  send?: Sender;
  /** Where a failed delivery pass is reported (default stderr). */
  log?: (line: string) => void;
}

function stateOf(stream: LogStreamRecord): DeliveryState {
  const { status, deliveredId, failures, lastError, suspendedReason, nextAttemptAt, lastDeliveryAt } = stream;
  return { status, deliveredId, failures, lastError, suspendedReason, nextAttemptAt, lastDeliveryAt };
}

export class LogStreamDispatcher {
  private readonly owner = randomUUID();
  private readonly job: PeriodicJob;

  constructor(private readonly deps: DispatcherDeps) {
    this.job = new PeriodicJob('log streams', deps.settings.pollMs, () => this.pass(), deps.log);
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One pass over the due streams (concurrent callers share it); never throws. */
  tick(): Promise<void> {
    return this.job.tick();
  }

  private async pass(): Promise<void> {
    const now = this.deps.clock.now();
    const due = (await this.deps.store.listLogStreams()).filter((stream) => stream.status === 'active' && stream.nextAttemptAt <= now);
    for (const stream of due) await this.deliver(stream.id);
  }

  private async deliver(id: string): Promise<void> {
    const { store, settings, clock } = this.deps;
    const now = clock.now();
    const stream = await store.leaseLogStream(id, this.owner, now, new Date(now.getTime() + settings.timeoutMs * 2 + 5_000));
    if (!stream) return;
    const entries = (await store.auditAfterId(stream.deliveredId, settings.batchSize)).map((entry) => ({ id: Number(entry.log_id), entry }));
    const last = entries.at(-1)?.id ?? stream.deliveredId;
    const batch = wanted(entries, stream.filters);
    let state: DeliveryState;
    try {
      if (batch.length > 0) await this.post(stream, deliveryBody(batch, stream.sink.httpContentFormat));
      state = delivered(stateOf(stream), last, clock.now());
    } catch (error) {
      state = failed(stateOf(stream), (error as Error).message, clock.now(), settings);
    }
    await store.finishDelivery(id, this.owner, state, this.suspension(stream, state), clock.now());
  }

  private post(stream: LogStreamRecord, body: string): Promise<void> {
    const { kek, settings, send = postBatch } = this.deps;
    const secret = unseal(kek, secretAad(stream.id), stream.sealedSecret);
    const authorization = stream.sealedAuthorization ? unseal(kek, authorizationAad(stream.id), stream.sealedAuthorization) : undefined;
    return send({ streamId: stream.id, sink: stream.sink, authorization, secret, body }, settings.timeoutMs);
  }

  private suspension(stream: LogStreamRecord, state: DeliveryState): AuditInput | undefined {
    if (state.status !== 'suspended') return undefined;
    return {
      event: 'log_stream_suspended',
      description: `Suspended log stream "${stream.name}": ${state.suspendedReason}`,
      actor: { type: 'system', id: 'log-streams' },
      details: { id: stream.id, reason: state.suspendedReason },
    };
  }
}
