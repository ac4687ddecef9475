// SQLite applications: every change bumps the `clients` counter and writes its audit entry in one transaction.
import type { ApplicationStore } from '../../clients/application-store.js';
import { FedmetaError } from '../../errors.js';
import { applicationFromRow, applicationValues, type ApplicationRow } from '../rows.js';
import { APPLICATION_CONFLICT, applicationLookups, DELETE_APPLICATION, SELECT_APPLICATIONS, selectApplicationBy, UPSERT_APPLICATION, type ApplicationKey } from '../statements.js';
import { all, immediate, one, run, sqliteEncoding, uniqueConflict, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

export function sqliteApplications(db: SqliteDatabase): ApplicationStore {
  const oneBy = async (column: ApplicationKey, value: string) => {
    const row = one<ApplicationRow>(db, selectApplicationBy(column), value);
    return row ? applicationFromRow(row) : undefined;
  };
  return {
    listApplications: async () => all<ApplicationRow>(db, SELECT_APPLICATIONS).map(applicationFromRow),
    ...applicationLookups(oneBy),
    async saveApplication(app, audit) {
      try {
        immediate(db, () => {
          run(db, UPSERT_APPLICATION, ...applicationValues(app, sqliteEncoding));
          bumpVersion(db, 'clients');
          insertAudit(db, audit, app.updatedAt);
        });
      } catch (error) {
        throw uniqueConflict(error, () => new FedmetaError(409, 'conflict', APPLICATION_CONFLICT));
      }
    },
    async deleteApplication(clientId, audit, now) {
      return immediate(db, () => {
        if (run(db, DELETE_APPLICATION, clientId) === 0) return false;
        bumpVersion(db, 'clients');
        insertAudit(db, audit, now);
        return true;
      });
    },
  };
}
