// SQLite audit log.
import type { AuditInput } from '../../audit/types.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { auditFromRow, auditValues, type AuditRow } from '../rows.js';
import { INSERT_AUDIT, SELECT_AUDIT_PAGE } from '../statements.js';
import { all, run, sqliteEncoding, type SqliteDatabase } from './database.js';

/** Inside the caller's transaction, when there is one. */
export function insertAudit(db: SqliteDatabase, entry: AuditInput, now: Date): void {
  run(db, INSERT_AUDIT, ...auditValues(entry, now, sqliteEncoding));
}

export function sqliteAudit(db: SqliteDatabase): AuditStore {
  return {
    async appendAudit(entry, now) {
      insertAudit(db, entry, now);
    },
    async listAudit({ page, perPage }) {
      return all<AuditRow>(db, SELECT_AUDIT_PAGE, perPage, page * perPage).map(auditFromRow);
    },
  };
}
