// Log streams on SQLite (the LogStreamStore port of src/log-streams/types.ts). Writers serialise on
// BEGIN IMMEDIATE; the lease is a compare-and-set on the stream's row.
import type Database from 'better-sqlite3';
import type { AuditInput } from '../../audit/types.js';
import type { DeliveryState, LogStreamRecord, LogStreamStore } from '../../log-streams/types.js';
import { auditEntryFromRow, changeValues, logStreamFromRow, type AuditRow, type LogStreamRow } from '../log-stream-rows.js';

const ms = (date: Date | undefined) => (date ? date.getTime() : null);

export function sqliteLogStreams(db: Database.Database, insertAudit: (entry: AuditInput, now: Date) => void): LogStreamStore {
  const one = (id: string) => db.prepare('SELECT * FROM log_streams WHERE id = ?').get(id) as LogStreamRow | undefined;
  return {
    async createLogStream(stream: LogStreamRecord, audit: AuditInput) {
      return db
        .transaction(() => {
          const { newest } = db.prepare('SELECT coalesce(max(id), 0) AS newest FROM audit_log').get() as { newest: number };
          db.prepare(
            `INSERT INTO log_streams (id, name, status, sink, sealed_authorization, sealed_secret, filters, delivered_id, failures, next_attempt_at, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
          ).run(stream.id, stream.name, stream.status, JSON.stringify(stream.sink), stream.sealedAuthorization ?? null, stream.sealedSecret, JSON.stringify(stream.filters), newest, ms(stream.nextAttemptAt), ms(stream.createdAt), ms(stream.updatedAt));
          insertAudit(audit, stream.createdAt);
          return logStreamFromRow(one(stream.id)!);
        })
        .immediate();
    },
    async listLogStreams() {
      return (db.prepare('SELECT * FROM log_streams ORDER BY created_at, id').all() as LogStreamRow[]).map(logStreamFromRow);
    },
    async getLogStream(id: string) {
      const row = one(id);
      return row ? logStreamFromRow(row) : undefined;
    },
    async updateLogStream(id, change, audit, now) {
      return db
        .transaction(() => {
          const result = db
            .prepare(
              `UPDATE log_streams SET name = coalesce(@name, name), status = coalesce(@status, status), sink = coalesce(@sink, sink),
                 filters = coalesce(@filters, filters),
                 sealed_authorization = CASE WHEN @setAuthorization = 1 THEN @authorization ELSE sealed_authorization END,
                 failures = CASE WHEN @resume = 1 THEN 0 ELSE failures END,
                 last_error = CASE WHEN @resume = 1 THEN NULL ELSE last_error END,
                 suspended_reason = CASE WHEN @resume = 1 THEN NULL ELSE suspended_reason END,
                 next_attempt_at = CASE WHEN @resume = 1 THEN @now ELSE next_attempt_at END,
                 updated_at = @now
               WHERE id = @id`,
            )
            .run({ ...changeValues(change), now: now.getTime(), id });
          if (result.changes === 0) return undefined;
          insertAudit(audit, now);
          return logStreamFromRow(one(id)!);
        })
        .immediate();
    },
    async deleteLogStream(id, audit, now) {
      return db
        .transaction(() => {
          if (db.prepare('DELETE FROM log_streams WHERE id = ?').run(id).changes === 0) return false;
          insertAudit(audit, now);
          return true;
        })
        .immediate();
    },
    async leaseLogStream(id, owner, now, until) {
      const row = db
        .prepare(
          `UPDATE log_streams SET lease_owner = ?, lease_until = ?
           WHERE id = ? AND status = 'active' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)
           RETURNING *`,
        )
        .get(owner, until.getTime(), id, now.getTime(), now.getTime(), owner) as LogStreamRow | undefined;
      return row ? logStreamFromRow(row) : undefined;
    },
    async auditAfter(afterId, limit) {
      const rows = db.prepare('SELECT * FROM audit_log WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as (AuditRow & { id: number })[];
      return rows.map((row) => ({ id: row.id, entry: auditEntryFromRow(row) }));
    },
    async finishDelivery(id: string, owner: string, state: DeliveryState, audit: AuditInput | undefined, now: Date) {
      return db
        .transaction(() => {
          const result = db
            .prepare(
              `UPDATE log_streams SET delivered_id = max(delivered_id, ?), failures = ?, last_error = ?, suspended_reason = ?,
                 status = CASE WHEN status = 'active' THEN ? ELSE status END, next_attempt_at = ?, last_delivery_at = coalesce(?, last_delivery_at),
                 lease_owner = NULL, lease_until = NULL, updated_at = ?
               WHERE id = ? AND lease_owner = ? RETURNING status`,
            )
            .get(state.deliveredId, state.failures, state.lastError ?? null, state.suspendedReason ?? null, state.status, ms(state.nextAttemptAt), ms(state.lastDeliveryAt), now.getTime(), id, owner) as
            | { status: string }
            | undefined;
          if (!result) return false;
          if (audit && result.status === state.status) insertAudit(audit, now);
          return true;
        })
        .immediate();
    },
  };
}
