// PostgreSQL users: creating and deleting a user writes its audit entry in the same transaction.
import type { UserStore } from '../../users/user-store.js';
import { userFromRow, userValues, type UserRow } from '../rows.js';
import { DELETE_USER, INSERT_USER, SELECT_USER_BY_EMAIL, SELECT_USER_BY_ID, SELECT_USERS_PAGE, userConflict } from '../statements.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { uniqueConflict } from './errors.js';
import { insertAudit } from './audit.js';

export function postgresUsers(database: PostgresDatabase): UserStore {
  const oneUser = async (sql: string, value: string) => {
    const row = (await database.query<UserRow>(sql, [value])).rows[0];
    return row ? userFromRow(row) : undefined;
  };
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
    findUserByEmail: (email) => oneUser(SELECT_USER_BY_EMAIL, email.toLowerCase()),
    listUsers: async ({ page, perPage }) => (await database.query<UserRow>(SELECT_USERS_PAGE, [perPage, page * perPage])).rows.map(userFromRow),
    deleteUser: (userId, audit, now) =>
      database.transaction(async (sql) => {
        const { rowCount } = await sql(DELETE_USER, [userId]);
        if (rowCount) await insertAudit(sql, audit, now);
        return Boolean(rowCount);
      }),
  };
}
