// SQLite sign-in state: sessions with their participants, login states, the request-ID replay cache,
// and completed sign-ins (participants and audit entries) committed in groups.
import type { SessionRecord, SignInRecord, SignInStateStore } from '../../auth/session-store.js';
import type { PurgedRows } from '../store.js';
import { liveSessionFromRow, participantValues, sessionFromRows, sessionValues, type ParticipantRow, type SessionRow } from '../rows.js';
import * as sql from '../statements.js';
import { all, immediate, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

/** Left out when the session is gone (signed out or purged before a group commit). */
const INSERT_PARTICIPANT = `INSERT INTO session_participants (session_index, id_hash, client_id, name_id, name_id_format)
  SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions WHERE id_hash = ?)`;
const SELECT_PARTICIPANTS = 'SELECT session_index, client_id, name_id, name_id_format FROM session_participants WHERE id_hash = ? ORDER BY rowid';

/** Deletes expired sessions, login states and request IDs (inside the caller's transaction). */
export function purgeExpiredSignIns(db: SqliteDatabase, now: Date): Omit<PurgedRows, 'rateLimits'> {
  const at = now.getTime();
  return {
    sessions: run(db, sql.PURGE_EXPIRED.sessions, at),
    loginStates: run(db, sql.PURGE_EXPIRED.loginStates, at),
    requestIds: run(db, sql.PURGE_EXPIRED.requestIds, at),
  };
}

/**
 * One transaction for a group of sign-ins, committed with synchronous=NORMAL: in WAL mode a process
 * crash loses nothing committed and nothing is ever corrupted; only a power cut may lose the last
 * such commits (the next synchronous=FULL commit, e.g. any key change, makes them durable too).
 */
function recordSignIns(db: SqliteDatabase, records: readonly SignInRecord[]): void {
  if (records.length === 0) return;
  db.pragma('synchronous = NORMAL');
  try {
    immediate(db, () => {
      for (const { participant } of records) if (participant) run(db, INSERT_PARTICIPANT, ...participantValues(participant), participant.idHash);
      for (const { audit, at } of records) insertAudit(db, audit, at);
    });
  } finally {
    db.pragma('synchronous = FULL');
  }
}

export function sqliteSessions(db: SqliteDatabase): SignInStateStore {
  const getSession = async (idHash: string, now: Date): Promise<SessionRecord | undefined> => {
    const row = one<SessionRow>(db, 'SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?', idHash, now.getTime());
    return row ? sessionFromRows(row, all<ParticipantRow>(db, SELECT_PARTICIPANTS, idHash)) : undefined;
  };
  return {
    async createSession(session) {
      run(db, sql.INSERT_SESSION, ...sessionValues(session, sqliteEncoding));
    },
    getSession,
    async getLiveSession(idHash, now) {
      const row = one<SessionRow>(db, sql.SELECT_LIVE_SESSION, idHash, now.getTime());
      return row ? liveSessionFromRow(row) : undefined;
    },
    recordSignIns: async (records) => recordSignIns(db, records),
    async findSessionBySessionIndex(sessionIndex, now) {
      const row = one<{ id_hash: string }>(db, sql.SELECT_SESSION_BY_INDEX, sessionIndex);
      return row ? getSession(row.id_hash, now) : undefined;
    },
    async deleteSession(idHash) {
      run(db, sql.DELETE_SESSION, idHash);
    },
    async putLoginState(id, data, expiresAt) {
      run(db, sql.INSERT_LOGIN_STATE, id, data, expiresAt.getTime());
    },
    getLoginState: async (id, now) => one<{ data: string }>(db, sql.SELECT_LOGIN_STATE, id, now.getTime())?.data,
    async deleteLoginState(id) {
      run(db, sql.DELETE_LOGIN_STATE, id);
    },
    async rememberRequestId(issuer, id, expiresAt, now) {
      return run(db, sql.REMEMBER_REQUEST_ID, issuer, id, expiresAt.getTime(), now.getTime()) === 1;
    },
  };
}
