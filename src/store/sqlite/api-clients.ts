// SQLite Management API clients.
import type { ApiClientStore } from '../../auth/api-client-store.js';
import { apiClientFromRow, apiClientValues, type ApiClientRow } from '../rows.js';
import { INSERT_API_CLIENT, SELECT_API_CLIENT } from '../statements.js';
import { immediate, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function sqliteApiClients(db: SqliteDatabase): ApiClientStore {
  return {
    async createApiClient(client, audit) {
      immediate(db, () => {
        run(db, INSERT_API_CLIENT, ...apiClientValues(client, sqliteEncoding));
        insertAudit(db, audit, client.createdAt);
      });
    },
    async findApiClient(clientId) {
      const row = one<ApiClientRow>(db, SELECT_API_CLIENT, clientId);
      return row ? apiClientFromRow(row) : undefined;
    },
  };
}
