// PostgreSQL Management API clients: every change writes its audit entry in the same transaction.
import type { ApiClientStore } from '../../auth/api-client-store.js';
import { apiClientFromRow, apiClientValues, type ApiClientRow } from '../rows.js';
import * as statements from '../statements.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function postgresApiClients(database: PostgresDatabase): ApiClientStore {
  return {
    createApiClient: (client, audit) =>
      database.transaction(async (sql) => {
        await sql(statements.INSERT_API_CLIENT, apiClientValues(client, postgresEncoding));
        await insertAudit(sql, audit, client.createdAt);
      }),
    async findApiClient(clientId) {
      const row = (await database.query<ApiClientRow>(statements.SELECT_API_CLIENT, [clientId])).rows[0];
      return row && apiClientFromRow(row);
    },
    listApiClients: async () => (await database.query<ApiClientRow>(statements.SELECT_API_CLIENTS)).rows.map(apiClientFromRow),
    deleteApiClient: (clientId, audit, now) =>
      database.transaction(async (sql) => {
        const { rowCount } = await sql(statements.DELETE_API_CLIENT, [clientId]);
        if (!rowCount) return false;
        await insertAudit(sql, audit, now);
        return true;
      }),
    rotateApiClientSecret: (clientId, secretHash, audit, now) =>
      database.transaction(async (sql) => {
        const row = (await sql<ApiClientRow>(statements.ROTATE_API_CLIENT_SECRET, [secretHash, clientId])).rows[0];
        if (!row) return undefined;
        await insertAudit(sql, audit, now);
        return apiClientFromRow(row);
      }),
  };
}
