// Log streams on PostgreSQL (the LogStreamStore port of src/log-streams/types.ts). The delivery lease
// is a conditional UPDATE: it locks the stream's row, so of two instances asking at once the second
// re-reads the row, finds it leased and gets nothing; only one instance delivers a stream at a time.
import type pg from 'pg';
import type { AuditInput } from '../../audit/types.js';
import type { DeliveryState, LogStreamRecord, LogStreamStore } from '../../log-streams/types.js';
import { auditEntryFromRow, changeValues, logStreamFromRow, type AuditRow, type LogStreamRow } from '../log-stream-rows.js';

type Db = Pick<pg.PoolClient, 'query'>;

export interface PostgresPlumbing {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  transaction<T>(work: (db: Db) => Promise<T>): Promise<T>;
  insertAudit(db: Db, entry: AuditInput, now: Date): Promise<void>;
}

const UPDATE_SETTINGS = `UPDATE log_streams SET name = coalesce($1, name), status = coalesce($2, status), sink = coalesce($3::json, sink),
    filters = coalesce($4::json, filters),
    sealed_authorization = CASE WHEN $5 = 1 THEN $6 ELSE sealed_authorization END,
    failures = CASE WHEN $7 = 1 THEN 0 ELSE failures END,
    last_error = CASE WHEN $7 = 1 THEN NULL ELSE last_error END,
    suspended_reason = CASE WHEN $7 = 1 THEN NULL ELSE suspended_reason END,
    next_attempt_at = CASE WHEN $7 = 1 THEN $8 ELSE next_attempt_at END,
    updated_at = $8
  WHERE id = $9 RETURNING *`;

const FINISH_DELIVERY = `UPDATE log_streams SET delivered_id = greatest(delivered_id, $1), failures = $2, last_error = $3, suspended_reason = $4,
    status = CASE WHEN status = 'active' THEN $5 ELSE status END, next_attempt_at = $6, last_delivery_at = coalesce($7, last_delivery_at),
    lease_owner = NULL, lease_until = NULL, updated_at = $8
  WHERE id = $9 AND lease_owner = $10 RETURNING status`;

export function postgresLogStreams(pgs: PostgresPlumbing): LogStreamStore {
  return {
    async createLogStream(stream: LogStreamRecord, audit: AuditInput) {
      return pgs.transaction(async (db) => {
        // Entries committed before this point are not the stream's; audit ids are handed out in
        // commit order (see PostgresStore.insertAudit), so max(id) is a clean cut.
        const { rows } = await db.query<LogStreamRow>(
          `INSERT INTO log_streams (id, name, status, sink, sealed_authorization, sealed_secret, filters, delivered_id, failures, next_attempt_at, created_at, updated_at)
           SELECT $1, $2, $3, $4, $5, $6, $7, coalesce(max(id), 0), 0, $8, $9, $10 FROM audit_log RETURNING *`,
          [stream.id, stream.name, stream.status, JSON.stringify(stream.sink), stream.sealedAuthorization ?? null, stream.sealedSecret, JSON.stringify(stream.filters), stream.nextAttemptAt, stream.createdAt, stream.updatedAt],
        );
        await pgs.insertAudit(db, audit, stream.createdAt);
        return logStreamFromRow(rows[0]!);
      });
    },
    async listLogStreams() {
      return (await pgs.query<LogStreamRow>('SELECT * FROM log_streams ORDER BY created_at, id')).rows.map(logStreamFromRow);
    },
    async getLogStream(id: string) {
      const row = (await pgs.query<LogStreamRow>('SELECT * FROM log_streams WHERE id = $1', [id])).rows[0];
      return row ? logStreamFromRow(row) : undefined;
    },
    async updateLogStream(id, change, audit, now) {
      return pgs.transaction(async (db) => {
        const v = changeValues(change);
        const { rows } = await db.query<LogStreamRow>(UPDATE_SETTINGS, [v.name, v.status, v.sink, v.filters, v.setAuthorization, v.authorization, v.resume, now, id]);
        if (!rows[0]) return undefined;
        await pgs.insertAudit(db, audit, now);
        return logStreamFromRow(rows[0]);
      });
    },
    async deleteLogStream(id, audit, now) {
      return pgs.transaction(async (db) => {
        if ((await db.query('DELETE FROM log_streams WHERE id = $1', [id])).rowCount === 0) return false;
        await pgs.insertAudit(db, audit, now);
        return true;
      });
    },
    async leaseLogStream(id, owner, now, until) {
      const { rows } = await pgs.query<LogStreamRow>(
        `UPDATE log_streams SET lease_owner = $1, lease_until = $2
         WHERE id = $3 AND status = 'active' AND next_attempt_at <= $4 AND (lease_until IS NULL OR lease_until < $4 OR lease_owner = $1)
         RETURNING *`,
        [owner, until, id, now],
      );
      return rows[0] ? logStreamFromRow(rows[0]) : undefined;
    },
    async auditAfter(afterId, limit) {
      const { rows } = await pgs.query<AuditRow & { id: string }>('SELECT * FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit]);
      return rows.map((row) => ({ id: Number(row.id), entry: auditEntryFromRow(row) }));
    },
    async finishDelivery(id: string, owner: string, state: DeliveryState, audit: AuditInput | undefined, now: Date) {
      return pgs.transaction(async (db) => {
        const values = [state.deliveredId, state.failures, state.lastError ?? null, state.suspendedReason ?? null, state.status, state.nextAttemptAt, state.lastDeliveryAt ?? null, now, id, owner];
        const { rows } = await db.query<{ status: string }>(FINISH_DELIVERY, values);
        if (!rows[0]) return false;
        if (audit && rows[0].status === state.status) await pgs.insertAudit(db, audit, now);
        return true;
      });
    },
  };
}
