// PostgreSQL applications: every change bumps the `clients` counter (with NOTIFY) and writes its audit entry in one transaction.
import type { ApplicationStore } from '../../clients/application-store.js';
import { applicationFromRow, applicationValues, type ApplicationRow } from '../rows.js';
import { APPLICATION_CONFLICT, applicationLookups, DELETE_APPLICATION, SELECT_APPLICATIONS, selectApplicationBy, UPSERT_APPLICATION, type ApplicationKey } from '../statements.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { uniqueConflict } from './errors.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

export function postgresApplications(database: PostgresDatabase): ApplicationStore {
  const oneBy = async (column: ApplicationKey, value: string) => {
    const row = (await database.query<ApplicationRow>(selectApplicationBy(column), [value])).rows[0];
    return row ? applicationFromRow(row) : undefined;
  };
  return {
    listApplications: async () => (await database.query<ApplicationRow>(SELECT_APPLICATIONS)).rows.map(applicationFromRow),
    ...applicationLookups(oneBy),
    async saveApplication(app, audit) {
      try {
        await database.transaction(async (sql) => {
          await sql(UPSERT_APPLICATION, applicationValues(app, postgresEncoding));
          await bumpVersion(sql, 'clients');
          await insertAudit(sql, audit, app.updatedAt);
        });
      } catch (error) {
        throw uniqueConflict(error, APPLICATION_CONFLICT);
      }
    },
    deleteApplication: (clientId, audit, now) =>
      database.transaction(async (sql) => {
        const { rowCount } = await sql(DELETE_APPLICATION, [clientId]);
        if (!rowCount) return false;
        await bumpVersion(sql, 'clients');
        await insertAudit(sql, audit, now);
        return true;
      }),
  };
}
