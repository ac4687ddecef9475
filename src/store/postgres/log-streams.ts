// PostgreSQL log streams (the LogStreamStore port of src/log-streams/types.ts). The delivery lease is
// a conditional UPDATE: it locks the stream's row, so of two instances asking at once the second
// re-reads the row, finds it leased and gets nothing; one instance delivers a stream at a time.
// Audit ids are handed out in commit order (audit.ts), so a cursor never skips an entry committed late.
import type { LogStreamStore } from '../../log-streams/log-stream-store.js';
import * as sql from '../log-stream-rows.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';
import { insertAudit } from './audit.js';

export function postgresLogStreams(database: PostgresDatabase): LogStreamStore {
  const read = async (on: Sql, statement: string, values: unknown[]) => {
    const row = (await on<sql.LogStreamRow>(statement, values)).rows[0];
    return row && sql.logStreamFromRow(row);
  };
  return {
    async createLogStream(stream, audit) {
      return database.transaction(async (on) => {
        const created = (await read(on, sql.INSERT_LOG_STREAM, sql.logStreamValues(stream, postgresEncoding)))!;
        await insertAudit(on, audit, stream.createdAt);
        return created;
      });
    },
    listLogStreams: async () => (await database.query<sql.LogStreamRow>(sql.SELECT_LOG_STREAMS)).rows.map(sql.logStreamFromRow),
    getLogStream: (id) => read(database.query, sql.SELECT_LOG_STREAM, [id]),
    async updateLogStream(id, change, audit, now) {
      return database.transaction(async (on) => {
        const updated = await read(on, sql.UPDATE_LOG_STREAM, sql.logStreamChangeValues(id, change, now, postgresEncoding));
        if (updated) await insertAudit(on, audit, now);
        return updated;
      });
    },
    async deleteLogStream(id, audit, now) {
      return database.transaction(async (on) => {
        if (!(await on(sql.DELETE_LOG_STREAM, [id])).rowCount) return false;
        await insertAudit(on, audit, now);
        return true;
      });
    },
    leaseLogStream: (id, owner, now, until) => read(database.query, sql.LEASE_LOG_STREAM, sql.leaseValues(id, owner, now, until, postgresEncoding)),
    async finishDelivery(id, owner, state, audit, now) {
      return database.transaction(async (on) => {
        const row = (await on<{ status: string }>(sql.FINISH_DELIVERY, sql.finishValues(id, owner, state, now, postgresEncoding))).rows[0];
        if (!row) return false;
        if (audit && row.status === state.status) await insertAudit(on, audit, now);
        return true;
      });
    },
  };
}
