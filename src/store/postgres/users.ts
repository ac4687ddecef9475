// PostgreSQL users: every change writes its audit entries in the same transaction.
import type { UserStore } from '../../users/user-store.js';
import type { AuditInput } from '../../audit/types.js';
import { emailKey, userFromRow, userValues, type UserRow } from '../rows.js';
import { DELETE_USER, INSERT_USER, SELECT_USER_BY_EMAIL, SELECT_USER_BY_ID, DELETE_USER_SESSIONS, SET_USER_ADMIN, userConflict } from '../statements.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { uniqueConflict } from './errors.js';
import { insertAudit } from './audit.js';
import { countUsers, selectUsersPage, updateUser, type Clause } from '../user-sql.js';
import type { QueryResultRow } from 'pg';

export function postgresUsers(database: PostgresDatabase): UserStore {
  const oneUser = async (sql: string, value: string) => {
    const row = (await database.query<UserRow>(sql, [value])).rows[0];
    return row ? userFromRow(row) : undefined;
  };
  const select = async <R extends QueryResultRow>(clause: Clause) => (await database.query<R>(clause.sql, clause.values)).rows;
  /** One statement on one user and its audit entry (only when a row changed), in one transaction. */
  const changeUser = (text: string, values: unknown[], audit: AuditInput, now: Date) =>
    database.transaction(async (sql) => {
      const { rowCount } = await sql(text, values);
      if (rowCount) await insertAudit(sql, audit, now);
      return Boolean(rowCount);
    });
  return {
    async createUser(user, audit) {
      try {
        await database.transaction(async (sql) => {
          await sql(INSERT_USER, userValues(user, postgresEncoding));
          await insertAudit(sql, audit, user.createdAt);
        });
      } catch (error) {
        throw uniqueConflict(error, userConflict(user.email));
      }
    },
    getUser: (userId) => oneUser(SELECT_USER_BY_ID, userId),
    findUserByEmail: (email) => oneUser(SELECT_USER_BY_EMAIL, emailKey(email)),
    listUsers: async (options) => (await select<UserRow>(selectUsersPage(options, postgresEncoding))).map(userFromRow),
    countUsers: async (filter) => Number((await select<{ total: string }>(countUsers(filter, postgresEncoding)))[0]?.total ?? 0),
    updateUser: (userId, changes, options) => {
      const { audits, endSessions, now } = options;
      const { sql: text, values } = updateUser(userId, changes, options, postgresEncoding);
      return database.transaction(async (sql) => {
        if (!(await sql(text, values)).rowCount) return false;
        if (endSessions) await sql(DELETE_USER_SESSIONS, [userId]);
        for (const audit of audits) await insertAudit(sql, audit, now);
        return true;
      });
    },
    deleteUser: (userId, audit, now) => changeUser(DELETE_USER, [userId], audit, now),
    setUserAdmin: (userId, admin, audit, now) => changeUser(SET_USER_ADMIN, [admin, userId], audit, now),
  };
}
