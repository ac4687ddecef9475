// SQLite log streams (the LogStreamStore port of src/log-streams/types.ts). Writers serialise on
// BEGIN IMMEDIATE; the delivery lease is a compare-and-set on the stream's row.
import type { LogStreamStore } from '../../log-streams/log-stream-store.js';
import * as sql from '../log-stream-rows.js';
import { all, immediate, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function sqliteLogStreams(db: SqliteDatabase): LogStreamStore {
  const read = (statement: string, values: unknown[]) => {
    const row = one<sql.LogStreamRow>(db, statement, ...values);
    return row && sql.logStreamFromRow(row);
  };
  return {
    async createLogStream(stream, audit) {
      return immediate(db, () => {
        const created = read(sql.INSERT_LOG_STREAM, sql.logStreamValues(stream, sqliteEncoding))!;
        insertAudit(db, audit, stream.createdAt);
        return created;
      });
    },
    listLogStreams: async () => all<sql.LogStreamRow>(db, sql.SELECT_LOG_STREAMS).map(sql.logStreamFromRow),
    getLogStream: async (id) => read(sql.SELECT_LOG_STREAM, [id]),
    async updateLogStream(id, change, audit, now) {
      return immediate(db, () => {
        const updated = read(sql.UPDATE_LOG_STREAM, sql.logStreamChangeValues(id, change, now, sqliteEncoding));
        if (updated) insertAudit(db, audit, now);
        return updated;
      });
    },
    async deleteLogStream(id, audit, now) {
      return immediate(db, () => {
        if (run(db, sql.DELETE_LOG_STREAM, id) === 0) return false;
        insertAudit(db, audit, now);
        return true;
      });
    },
    leaseLogStream: async (id, owner, now, until) => read(sql.LEASE_LOG_STREAM, sql.leaseValues(id, owner, now, until, sqliteEncoding)),
    async finishDelivery(id, owner, state, audit, now) {
      return immediate(db, () => {
        const row = one<{ status: string }>(db, sql.FINISH_DELIVERY, ...sql.finishValues(id, owner, state, now, sqliteEncoding));
        if (!row) return false;
        if (audit && row.status === state.status) insertAudit(db, audit, now);
        return true;
      });
    },
  };
}
