// PostgreSQL audit log.
import type { AuditInput } from '../../audit/types.js';
import type { AuditStore } from '../../audit/audit-store.js';
import { auditFromRow, auditValues, type AuditRow } from '../rows.js';
import { countAudit, DELETE_AUDIT_BEFORE, SELECT_AUDIT_AFTER, selectAudit, SELECT_AUDIT_BY_ID } from '../audit-query.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';

/**
 * audit-query.INSERT_AUDIT, with audit ids handed out in commit order: each insert first takes this
 * schema's audit lock, held until its transaction ends, so no entry commits below an id already read
 * (log stream cursors, src/log-streams/, and checkpoint pagination, `from`). Inserting the audit entry
 * is the last step of every change.
 */
const INSERT_AUDIT_IN_ORDER = `INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, user_id, client_id, details)
  SELECT ?::timestamptz, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::json
  FROM (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))) AS serialised`;

/** On `sql`: the caller's transaction, or the pool. */
export async function insertAudit(sql: Sql, entry: AuditInput, now: Date): Promise<void> {
  await sql(INSERT_AUDIT_IN_ORDER, auditValues(entry, now, postgresEncoding));
}

/** Several entries in one statement (a group commit of sign-ins), ids in the order given, under the same lock. */
export async function insertAuditRows(sql: Sql, entries: ReadonlyArray<{ entry: AuditInput; at: Date }>): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((_, n) => `(?::timestamptz, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::text, ?::json, ${n})`).join(', ');
  await sql(
    `INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, user_id, client_id, details)
     SELECT v.at, v.type, v.description, v.actor_type, v.actor_id, v.ip, v.user_id, v.client_id, v.details
     FROM (VALUES ${rows}) AS v (at, type, description, actor_type, actor_id, ip, user_id, client_id, details, n),
       (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))) AS serialised
     ORDER BY v.n`,
    entries.flatMap(({ entry, at }) => auditValues(entry, at, postgresEncoding)),
  );
}

export function postgresAudit(database: PostgresDatabase): AuditStore {
  return {
    appendAudit: (entry, now) => insertAudit(database.query, entry, now),
    async queryAudit(query) {
      const { sql, params } = selectAudit(query, postgresEncoding);
      return (await database.query<AuditRow>(sql, params)).rows.map(auditFromRow);
    },
    async countAudit(filter) {
      const { sql, params } = countAudit(filter, postgresEncoding);
      return Number((await database.query<{ total: string }>(sql, params)).rows[0]?.total ?? 0);
    },
    async auditAfterId(logId, limit) {
      return (await database.query<AuditRow>(SELECT_AUDIT_AFTER, [logId, limit])).rows.map(auditFromRow);
    },
    async getAudit(logId) {
      const row = (await database.query<AuditRow>(SELECT_AUDIT_BY_ID, [logId])).rows[0];
      return row ? auditFromRow(row) : undefined;
    },
    async purgeAuditBefore(cutoff, batch) {
      return (await database.query(DELETE_AUDIT_BEFORE, [cutoff, batch])).rowCount ?? 0;
    },
  };
}
