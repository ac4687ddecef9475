// PostgreSQL Management API clients.
import type { ApiClientStore } from '../../auth/api-client-store.js';
import { apiClientFromRow, apiClientValues, type ApiClientRow } from '../rows.js';
import { INSERT_API_CLIENT, SELECT_API_CLIENT } from '../statements.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function postgresApiClients(database: PostgresDatabase): ApiClientStore {
  return {
    createApiClient: (client, audit) =>
      database.transaction(async (sql) => {
        await sql(INSERT_API_CLIENT, apiClientValues(client, postgresEncoding));
        await insertAudit(sql, audit, client.createdAt);
      }),
    async findApiClient(clientId) {
      const row = (await database.query<ApiClientRow>(SELECT_API_CLIENT, [clientId])).rows[0];
      return row ? apiClientFromRow(row) : undefined;
    },
  };
}
