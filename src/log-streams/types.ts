// Log streams (Auth0's shape): the audit log delivered to an HTTP endpoint, at least once, from a
// per-stream cursor kept in the store (the id of the last delivered audit entry).
import type { AuditEntry, AuditInput } from '../audit/types.js';

export type LogStreamStatus = 'active' | 'paused' | 'suspended';
export const CONTENT_FORMATS = ['JSONARRAY', 'JSONLINES'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
/** What a stream may filter on: fedmeta's event categories. */
export const LOG_CATEGORIES = ['keys', 'sign_in', 'management'] as const;
export type LogCategory = (typeof LOG_CATEGORIES)[number];

export interface LogStreamFilter {
  type: 'category';
  name: LogCategory;
}

export interface LogStreamSink {
  httpEndpoint: string;
  httpContentType: string;
  httpContentFormat: ContentFormat;
}

/** Where delivery stands; written only by the instance that holds the stream's lease. */
export interface DeliveryState {
  status: LogStreamStatus;
  /** The id of the last audit entry delivered (or skipped by the filters). */
  deliveredId: number;
  failures: number;
  lastError?: string | undefined;
  suspendedReason?: string | undefined;
  nextAttemptAt: Date;
  lastDeliveryAt?: Date | undefined;
}

export interface LogStreamRecord extends DeliveryState {
  id: string;
  name: string;
  sink: LogStreamSink;
  /** The sink's Authorization header value, sealed with the KEK (never stored in the clear). */
  sealedAuthorization?: string | undefined;
  /** The HMAC-SHA256 signing secret, sealed with the KEK; shown once at creation. */
  sealedSecret: string;
  filters: LogStreamFilter[];
  createdAt: Date;
  updatedAt: Date;
}

/** A PATCH: the fields given replace the stored ones; status "active" also clears a suspension. */
export interface LogStreamChange {
  name?: string;
  status?: 'active' | 'paused';
  sink?: LogStreamSink;
  /** null removes the Authorization header. */
  sealedAuthorization?: string | null;
  filters?: LogStreamFilter[];
}

/** An audit entry with its numeric position in the log. */
export interface StreamedEntry {
  id: number;
  entry: AuditEntry;
}

/** The store port for log streams (one adapter per backend: src/store/<backend>/log-streams.ts). */
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
  /** Audit entries after `afterId`, oldest first. */
  auditAfter(afterId: number, limit: number): Promise<StreamedEntry[]>;
  /**
   * Record a delivery attempt and release the lease (only while `owner` holds it); the cursor never
   * moves back, and a stream paused meanwhile stays paused. `audit` is written in the same transaction
   * when the stream ends up in `state.status` (a suspension of a stream paused meanwhile is not audited).
   */
  finishDelivery(id: string, owner: string, state: DeliveryState, audit: AuditInput | undefined, now: Date): Promise<boolean>;
}
