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

export interface AuditQuery {
  filter?: AuditFilter;
  /** newest: by log_id descending (the default); oldest: ascending. log_id grows in commit order. */
  order?: 'newest' | 'oldest';
  /** Only entries with a log_id strictly after (oldest) or before (newest) this one: checkpoint pagination. */
  cursor?: number;
  offset?: number;
  limit: number;
}

export interface AuditStore {
  appendAudit(entry: AuditInput, now: Date): Promise<void>;
  queryAudit(query: AuditQuery): Promise<AuditEntry[]>;
  countAudit(filter: AuditFilter): Promise<number>;
  getAudit(logId: number): Promise<AuditEntry | undefined>;
  /** Deletes up to `batch` entries dated before `cutoff` (oldest first); the number deleted. */
  purgeAuditBefore(cutoff: Date, batch: number): Promise<number>;
}
