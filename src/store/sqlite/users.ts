// SQLite users: every change writes its audit entries in the same transaction.
import type { UserStore } from '../../users/user-store.js';
import type { AuditInput } from '../../audit/types.js';
import { FedmetaError } from '../../errors.js';
import { emailKey, userFromRow, userValues, type UserRow } from '../rows.js';
import { DELETE_USER, INSERT_USER, SELECT_USER_BY_EMAIL, SELECT_USER_BY_ID, DELETE_USER_SESSIONS, SET_USER_ADMIN, userConflict } from '../statements.js';
import { all, immediate, one, run, sqliteEncoding, uniqueConflict, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';
import { countUsers, selectUsersPage, updateUser, type Clause } from '../user-sql.js';

export function sqliteUsers(db: SqliteDatabase): UserStore {
  const oneUser = async (sql: string, value: string) => {
    const row = one<UserRow>(db, sql, value);
    return row ? userFromRow(row) : undefined;
  };
  const select = <R>(clause: Clause) => all<R>(db, clause.sql, ...clause.values);
  /** One statement on one user and its audit entry (only when a row changed), in one transaction. */
  const changeUser = (sql: string, values: unknown[], audit: AuditInput, now: Date) =>
    immediate(db, () => {
      const changed = run(db, sql, ...values) > 0;
      if (changed) insertAudit(db, audit, now);
      return changed;
    });
  return {
    async createUser(user, audit) {
      try {
        immediate(db, () => {
          run(db, INSERT_USER, ...userValues(user, sqliteEncoding));
          insertAudit(db, audit, user.createdAt);
        });
      } catch (error) {
        throw uniqueConflict(error, () => new FedmetaError(409, 'conflict', userConflict(user.email)));
      }
    },
    getUser: (userId) => oneUser(SELECT_USER_BY_ID, userId),
    findUserByEmail: (email) => oneUser(SELECT_USER_BY_EMAIL, emailKey(email)),
    listUsers: async (options) => select<UserRow>(selectUsersPage(options, sqliteEncoding)).map(userFromRow),
    countUsers: async (filter) => Number(select<{ total: number }>(countUsers(filter, sqliteEncoding))[0]?.total ?? 0),
    updateUser: async (userId, changes, options) => {
      const { audits, endSessions, now } = options;
      const { sql, values } = updateUser(userId, changes, options, sqliteEncoding);
      return immediate(db, () => {
        if (run(db, sql, ...values) === 0) return false;
        if (endSessions) run(db, DELETE_USER_SESSIONS, userId);
        for (const audit of audits) insertAudit(db, audit, now);
        return true;
      });
    },
    deleteUser: async (userId, audit, now) => changeUser(DELETE_USER, [userId], audit, now),
    setUserAdmin: async (userId, admin, audit, now) => changeUser(SET_USER_ADMIN, [sqliteEncoding.flag(admin), userId], audit, now),
  };
}
