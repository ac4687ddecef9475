// The audit-log port. Changes elsewhere write their entry in their own transaction; this appends one alone.
import type { AuditEntry, AuditInput } from './types.js';

/** What a query keeps (every field given must match). */
export interface AuditFilter {
  /** Stored event names (src/audit/event-types.ts); an empty list matches nothing. */
  events?: readonly string[];
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  userId?: string;
  clientId?: string;
}

/** Where a newest-first page ends: the next page starts below this entry (date, then log_id). */
export interface AuditPosition {
  date: Date;
  logId: number;
}

export interface AuditQuery {
  filter?: AuditFilter;
  /** By date, then log_id: newest first (the default) or oldest first. */
  order?: 'newest' | 'oldest';
  /** Newest first, below this entry: keyset paging for the dashboard. */
  below?: AuditPosition;
  offset?: number;
  limit: number;
}

export interface AuditStore {
  appendAudit(entry: AuditInput, now: Date): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  /** Checkpoint pagination: the entries after this log_id, in log_id (commit) order; the filter is not applied. */
  auditAfterId(logId: number, limit: number): Promise<AuditEntry[]>;
  countAudit(filter: AuditFilter): Promise<number>;
  getAudit(logId: number): Promise<AuditEntry | undefined>;
  /** Deletes up to `batch` entries dated before `cutoff` (oldest first); the number deleted. */
  purgeAuditBefore(cutoff: Date, batch: number): Promise<number>;
}
