// PostgreSQL audit log.
import type { AuditInput } from '../../audit/types.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { auditFromRow, auditValues, type AuditRow } from '../rows.js';
import { INSERT_AUDIT, SELECT_AUDIT_PAGE } from '../statements.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';

/** On `sql`: the caller's transaction, or the pool. */
export async function insertAudit(sql: Sql, entry: AuditInput, now: Date): Promise<void> {
  await sql(INSERT_AUDIT, auditValues(entry, now, postgresEncoding));
}

export function postgresAudit(database: PostgresDatabase): AuditStore {
  return {
    appendAudit: (entry, now) => insertAudit(database.query, entry, now),
    async listAudit({ page, perPage }) {
      return (await database.query<AuditRow>(SELECT_AUDIT_PAGE, [perPage, page * perPage])).rows.map(auditFromRow);
    },
  };
}
