// The audit-log port. Changes elsewhere write their entry in their own transaction; this appends one alone.
import type { AuditEntry, AuditInput } from './types.js';

export interface AuditStore {
  appendAudit(entry: AuditInput, now: Date): Promise<void>;
  /** Newest first. */
  listAudit(options: { page: number; perPage: number }): Promise<AuditEntry[]>;
}
