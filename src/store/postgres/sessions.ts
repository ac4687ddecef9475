// PostgreSQL sign-in state: sessions with their participants, login states, the request-ID replay cache,
// and completed sign-ins (participants and audit entries) committed in groups.
import type { SessionRecord, SignInRecord, SignInStateStore } from '../../auth/session-store.js';
import type { PurgedRows } from '../store.js';
import { liveSessionFromRow, participantValues, sessionFromRows, sessionValues, type ParticipantRow, type SessionRow } from '../rows.js';
import { insertAuditRows } from './audit.js';
import * as statements from '../statements.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';

const SELECT_SESSION = `
  SELECT s.id_hash, s.user_id, s.created_at, s.expires_at,
    coalesce((SELECT json_agg(json_build_object('session_index', p.session_index, 'client_id', p.client_id,
                'name_id', p.name_id, 'name_id_format', p.name_id_format) ORDER BY p.position)
              FROM session_participants p WHERE p.id_hash = s.id_hash), '[]') AS participants
  FROM sessions s WHERE s.id_hash = ? AND s.expires_at > ?`;

/** Deletes expired sessions, login states and request IDs (inside the caller's transaction). */
export async function purgeExpiredSignIns(sql: Sql, now: Date): Promise<Omit<PurgedRows, 'rateLimits'>> {
  const purge = async (text: string) => (await sql(text, [now])).rowCount ?? 0;
  const { PURGE_EXPIRED } = statements;
  return { sessions: await purge(PURGE_EXPIRED.sessions), loginStates: await purge(PURGE_EXPIRED.loginStates), requestIds: await purge(PURGE_EXPIRED.requestIds) };
}

/**
 * One transaction for a group of sign-ins with synchronous_commit off: it answers before its WAL
 * record is flushed; a database crash may lose the last such commits, never corrupts, never reorders.
 * The audit entries go last (they take the audit lock, src/store/postgres/audit.ts).
 */
async function recordSignIns(database: PostgresDatabase, records: readonly SignInRecord[]): Promise<void> {
  if (records.length === 0) return;
  const participants = records.flatMap(({ participant }) => (participant ? [participant] : []));
  await database.transaction(async (sql) => {
    await sql('SET LOCAL synchronous_commit = off');
    if (participants.length > 0) await sql(insertParticipantRows(participants.length), participants.flatMap(participantValues));
    await insertAuditRows(sql, records.map(({ audit, at }) => ({ entry: audit, at })));
  });
}

/** `count` participants in one statement, in the order given; those whose session is gone are left out. */
function insertParticipantRows(count: number): string {
  const rows = Array.from({ length: count }, (_, n) => `(?::text, ?::text, ?::text, ?::text, ?::text, ${n})`).join(', ');
  return `INSERT INTO session_participants (session_index, id_hash, client_id, name_id, name_id_format)
    SELECT v.session_index, v.id_hash, v.client_id, v.name_id, v.name_id_format
    FROM (VALUES ${rows}) AS v (session_index, id_hash, client_id, name_id, name_id_format, n)
    WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.id_hash = v.id_hash)
    ORDER BY v.n`;
}

export function postgresSessions(database: PostgresDatabase): SignInStateStore {
  const { query } = database;
  const getSession = async (idHash: string, now: Date): Promise<SessionRecord | undefined> => {
    const row = (await query<SessionRow & { participants: ParticipantRow[] }>(SELECT_SESSION, [idHash, now])).rows[0];
    return row ? sessionFromRows(row, row.participants) : undefined;
  };
  return {
    async createSession(session) {
      await query(statements.INSERT_SESSION, sessionValues(session, postgresEncoding));
    },
    getSession,
    async getLiveSession(idHash, now) {
      const row = (await query<SessionRow>(statements.SELECT_LIVE_SESSION, [idHash, now])).rows[0];
      return row ? liveSessionFromRow(row) : undefined;
    },
    recordSignIns: (records) => recordSignIns(database, records),
    async findSessionBySessionIndex(sessionIndex, now) {
      const row = (await query<{ id_hash: string }>(statements.SELECT_SESSION_BY_INDEX, [sessionIndex])).rows[0];
      return row ? getSession(row.id_hash, now) : undefined;
    },
    async deleteSession(idHash) {
      await query(statements.DELETE_SESSION, [idHash]);
    },
    async putLoginState(id, data, expiresAt) {
      await query(statements.INSERT_LOGIN_STATE, [id, data, expiresAt]);
    },
    getLoginState: async (id, now) => (await query<{ data: string }>(statements.SELECT_LOGIN_STATE, [id, now])).rows[0]?.data,
    async deleteLoginState(id) {
      await query(statements.DELETE_LOGIN_STATE, [id]);
    },
    async rememberRequestId(issuer, id, expiresAt, now) {
      return (await query(statements.REMEMBER_REQUEST_ID, [issuer, id, expiresAt, now])).rowCount === 1;
    },
  };
}
