// The store port for log streams, beside the domain code that uses it (like keys/key-store.ts):
// src/store/sqlite/log-streams.ts and src/store/postgres/log-streams.ts implement it.
import type { AuditInput } from '../audit/types.js';
import type { DeliveryState, LogStreamChange, LogStreamRecord } from './types.js';

export interface LogStreamStore {
  /** Inserts the stream with its cursor at the newest audit entry (so `audit`, written after, is delivered). */
  createLogStream(stream: LogStreamRecord, audit: AuditInput): Promise<LogStreamRecord>;
  listLogStreams(): Promise<LogStreamRecord[]>;
  getLogStream(id: string): Promise<LogStreamRecord | undefined>;
  updateLogStream(id: string, change: LogStreamChange, audit: AuditInput, now: Date): Promise<LogStreamRecord | undefined>;
  deleteLogStream(id: string, audit: AuditInput, now: Date): Promise<boolean>;
  /**
   * Take the delivery lease of an active, due stream until `until` (compare-and-set on its row: one
   * holder at a time across instances); undefined when it is leased elsewhere, not active or not due.
   */
  leaseLogStream(id: string, owner: string, now: Date, until: Date): Promise<LogStreamRecord | undefined>;
  /**
   * Record a delivery attempt and release the lease (only while `owner` holds it); the cursor never
   * moves back, and a stream paused meanwhile stays paused. `audit` is written in the same transaction
   * when the stream ends up in `state.status` (a suspension of a stream paused meanwhile is not audited).
   */
  finishDelivery(id: string, owner: string, state: DeliveryState, audit: AuditInput | undefined, now: Date): Promise<boolean>;
}
