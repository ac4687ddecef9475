// SQLite Management API clients: every change writes its audit entry in the same transaction.
import type { ApiClientStore } from '../../auth/api-client-store.js';
import { apiClientFromRow, apiClientValues, type ApiClientRow } from '../rows.js';
import * as statements from '../statements.js';
import { all, immediate, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function sqliteApiClients(db: SqliteDatabase): ApiClientStore {
  return {
    async createApiClient(client, audit) {
      immediate(db, () => {
        run(db, statements.INSERT_API_CLIENT, ...apiClientValues(client, sqliteEncoding));
        insertAudit(db, audit, client.createdAt);
      });
    },
    async findApiClient(clientId) {
      const row = one<ApiClientRow>(db, statements.SELECT_API_CLIENT, clientId);
      return row && apiClientFromRow(row);
    },
    listApiClients: async () => all<ApiClientRow>(db, statements.SELECT_API_CLIENTS).map(apiClientFromRow),
    async deleteApiClient(clientId, audit, now) {
      return immediate(db, () => {
        if (run(db, statements.DELETE_API_CLIENT, clientId) === 0) return false;
        insertAudit(db, audit, now);
        return true;
      });
    },
    async rotateApiClientSecret(clientId, secretHash, audit, now) {
      return immediate(db, () => {
        const row = one<ApiClientRow>(db, statements.ROTATE_API_CLIENT_SECRET, secretHash, clientId);
        if (!row) return undefined;
        insertAudit(db, audit, now);
        return apiClientFromRow(row);
      });
    },
  };
}
