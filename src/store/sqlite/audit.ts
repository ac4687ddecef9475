// SQLite audit log.
import type { AuditInput } from '../../audit/types.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { auditFromRow, auditValues, type AuditRow } from '../rows.js';
import { countAudit, DELETE_AUDIT_BEFORE, SELECT_AUDIT_AFTER, INSERT_AUDIT, selectAudit, SELECT_AUDIT_BY_ID } from '../audit-query.js';
import { all, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';

/** Inside the caller's transaction, when there is one. */
export function insertAudit(db: SqliteDatabase, entry: AuditInput, now: Date): void {
  run(db, INSERT_AUDIT, ...auditValues(entry, now, sqliteEncoding));
}

export function sqliteAudit(db: SqliteDatabase): AuditStore {
  return {
    async appendAudit(entry, now) {
      insertAudit(db, entry, now);
    },
    async queryAudit(query) {
      const { sql, params } = selectAudit(query, sqliteEncoding);
      return all<AuditRow>(db, sql, ...params).map(auditFromRow);
    },
    async countAudit(filter) {
      const { sql, params } = countAudit(filter, sqliteEncoding);
      return Number(one<{ total: number }>(db, sql, ...params)?.total ?? 0);
    },
    async auditAfterId(logId, limit) {
      return all<AuditRow>(db, SELECT_AUDIT_AFTER, logId, limit).map(auditFromRow);
    },
    async getAudit(logId) {
      const row = one<AuditRow>(db, SELECT_AUDIT_BY_ID, logId);
      return row ? auditFromRow(row) : undefined;
    },
    async purgeAuditBefore(cutoff, batch) {
      return run(db, DELETE_AUDIT_BEFORE, sqliteEncoding.time(cutoff), batch);
    },
  };
}
