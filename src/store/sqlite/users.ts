// SQLite users: creating and deleting a user writes its audit entry in the same transaction.
import type { UserStore } from '../../users/user-store.js';
import { FedmetaError } from '../../errors.js';
import { userFromRow, userValues, type UserRow } from '../rows.js';
import { DELETE_USER, INSERT_USER, SELECT_USER_BY_EMAIL, SELECT_USER_BY_ID, SELECT_USERS_PAGE, userConflict } from '../statements.js';
import { all, immediate, one, run, sqliteEncoding, uniqueConflict, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function sqliteUsers(db: SqliteDatabase): UserStore {
  const oneUser = async (sql: string, value: string) => {
    const row = one<UserRow>(db, sql, value);
    return row ? userFromRow(row) : undefined;
  };
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
    findUserByEmail: (email) => oneUser(SELECT_USER_BY_EMAIL, email.toLowerCase()),
    listUsers: async ({ page, perPage }) => all<UserRow>(db, SELECT_USERS_PAGE, perPage, page * perPage).map(userFromRow),
    async deleteUser(userId, audit, now) {
      return immediate(db, () => {
        const deleted = run(db, DELETE_USER, userId) > 0;
        if (deleted) insertAudit(db, audit, now);
        return deleted;
      });
    },
  };
}
