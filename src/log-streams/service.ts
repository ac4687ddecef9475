// Log stream operations shared by the Management API, the dashboard and the CLI. Secrets (the
// HMAC signing secret and the sink's Authorization value) are sealed with the KEK before they are
// stored; the signing secret is returned once, at creation.
import { type Actor, type AuditInput } from '../audit/types.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { seal } from '../keys/seal.js';
import { logStreamNotFound } from '../errors.js';
import { parseLogStreamChange, parseNewLogStream } from './validate.js';
import type { LogStreamChange, LogStreamRecord } from './types.js';
import type { LogStreamStore } from './log-stream-store.js';
import { toLogStreamObject, type LogStreamObject } from './log-stream-object.js';

export const secretAad = (id: string) => `log-stream:${id}:secret`;
export const authorizationAad = (id: string) => `log-stream:${id}:authorization`;

export interface LogStreamServiceDeps {
  store: LogStreamStore;
  kek: Buffer;
  clock: Clock;
  ids: Ids;
}

export class LogStreamService {
  constructor(private readonly deps: LogStreamServiceDeps) {}

  private get streams(): LogStreamStore {
    return this.deps.store;
  }

  async list(): Promise<LogStreamObject[]> {
    return (await this.streams.listLogStreams()).map(toLogStreamObject);
  }

  private async record(id: string): Promise<LogStreamRecord> {
    const stream = await this.streams.getLogStream(id);
    if (!stream) throw logStreamNotFound(`No log stream with id "${id}"`);
    return stream;
  }

  async get(id: string): Promise<LogStreamObject> {
    return toLogStreamObject(await this.record(id));
  }

  /** The new stream and its signing secret (shown this once). */
  async create(input: Record<string, unknown>, actor: Actor): Promise<{ stream: LogStreamObject; secret: string }> {
    const fields = parseNewLogStream(input);
    const { kek, clock, ids } = this.deps;
    const id = `lst_${ids.clientId()}`;
    const secret = ids.secret();
    const now = clock.now();
    const record: LogStreamRecord = {
      id,
      name: fields.name,
      status: fields.status ?? 'active',
      sink: fields.sink,
      sealedAuthorization: fields.authorization ? seal(kek, authorizationAad(id), fields.authorization) : undefined,
      sealedSecret: seal(kek, secretAad(id), secret),
      filters: fields.filters ?? [],
      deliveredId: 0,
      failures: 0,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    };
    const audit = this.audit('log_stream_created', `Created log stream "${fields.name}" to ${fields.sink.httpEndpoint}`, actor, id);
    return { stream: toLogStreamObject(await this.streams.createLogStream(record, audit)), secret };
  }

  async update(id: string, input: Record<string, unknown>, actor: Actor): Promise<LogStreamObject> {
    const current = await this.record(id);
    const fields = parseLogStreamChange(input, current.sink);
    const change: LogStreamChange = {
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.status !== undefined ? { status: fields.status } : {}),
      ...(fields.sink !== undefined ? { sink: fields.sink } : {}),
      ...(fields.filters !== undefined ? { filters: fields.filters } : {}),
      ...(fields.authorization !== undefined ? { sealedAuthorization: fields.authorization && seal(this.deps.kek, authorizationAad(id), fields.authorization) } : {}),
    };
    const what = fields.status === 'active' && current.status !== 'active' ? `Resumed log stream "${current.name}"` : `Updated log stream "${current.name}"`;
    const updated = await this.streams.updateLogStream(id, change, this.audit('log_stream_updated', what, actor, id, Object.keys(input)), this.deps.clock.now());
    if (!updated) throw logStreamNotFound(`No log stream with id "${id}"`);
    return toLogStreamObject(updated);
  }

  async remove(id: string, actor: Actor): Promise<void> {
    const current = await this.record(id);
    const removed = await this.streams.deleteLogStream(id, this.audit('log_stream_deleted', `Deleted log stream "${current.name}"`, actor, id), this.deps.clock.now());
    if (!removed) throw logStreamNotFound(`No log stream with id "${id}"`);
  }

  private audit(event: 'log_stream_created' | 'log_stream_updated' | 'log_stream_deleted', description: string, actor: Actor, id: string, fields?: string[]): AuditInput {
    return { event: event, description, actor, details: { id, ...(fields ? { fields } : {}) } };
  }
}
