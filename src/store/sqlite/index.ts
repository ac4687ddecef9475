// The embedded store on SQLite: one aggregate per file, composed here.
import type { Store } from '../store.js';
import { idleBucketCutoff } from '../expiry.js';
import { immediate, migrateDatabase, openDatabase } from './database.js';
import { sqliteChanges } from './changes.js';
import { sqliteKeys } from './keys.js';
import { sqliteMetadataSigner } from './metadata-signer.js';
import { purgeIdleBuckets, sqliteRateLimits } from './rate-limits.js';
import { sqliteAudit } from './audit.js';
import { sqliteApplications } from './applications.js';
import { sqliteUsers } from './users.js';
import { sqliteApiClients } from './api-clients.js';
import { purgeExpiredSignIns, sqliteSessions } from './sessions.js';
import { sqliteSightings } from './sightings.js';
import { sqliteLogStreams } from './log-streams.js';

/** `warnings`: files that were readable by others and were tightened at open (shown at start-up). */
export type SqliteStore = Store & { readonly kind: 'sqlite'; readonly path: string; readonly warnings: string[] };

/** Opens (and creates the folder of) the database file; call migrate() before anything else. */
export function openSqliteStore(path: string): SqliteStore {
  const { db, warnings } = openDatabase(path);
  return {
    kind: 'sqlite',
    path,
    warnings,
    migrate: async () => migrateDatabase(db),
    close: async () => void db.close(),
    purgeExpired: async (now, options) =>
      immediate(db, () => ({ ...purgeExpiredSignIns(db, now), rateLimits: purgeIdleBuckets(db, idleBucketCutoff(now, options)) })),
    ...sqliteChanges(db),
    ...sqliteKeys(db),
    ...sqliteMetadataSigner(db),
    ...sqliteRateLimits(db),
    ...sqliteAudit(db),
    ...sqliteApplications(db),
    ...sqliteUsers(db),
    ...sqliteApiClients(db),
    ...sqliteSessions(db),
    ...sqliteSightings(db),
    ...sqliteLogStreams(db),
  };
}
