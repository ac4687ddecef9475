// Log streams (Auth0's shape): the audit log delivered to an HTTP endpoint, at least once, from a
// per-stream cursor kept in the store (the id of the last delivered audit entry).
import type { AuditEntry } from '../audit/types.js';
import type { AuditCategory } from '../audit/event-types.js';

export type LogStreamStatus = 'active' | 'paused' | 'suspended';
export const CONTENT_FORMATS = ['JSONARRAY', 'JSONLINES'] as const;
export type ContentFormat = (typeof CONTENT_FORMATS)[number];
/** What a stream may filter on: fedmeta's event categories (src/audit/event-types.ts). */
export { AUDIT_CATEGORIES as LOG_CATEGORIES } from '../audit/event-types.js';
export type LogCategory = AuditCategory;

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
