// The shared store on PostgreSQL for several instances: one aggregate per file, composed here.
// Same semantics as the SQLite store: every state-changing method is one transaction; every counter
// bump sends NOTIFY fedmeta_changes in the same transaction (delivered at commit).
import type { ChangeTopic, Store } from '../store.js';
import { idleBucketCutoff } from '../expiry.js';
import { connectPool, type PostgresStoreOptions } from './database.js';
import { migratePostgres } from './migrate.js';
import { postgresChanges, type ListeningSubscription } from './changes.js';
import { postgresKeys } from './keys.js';
import { postgresMetadataSigner } from './metadata-signer.js';
import { postgresRateLimits, purgeIdleBuckets } from './rate-limits.js';
import { postgresAudit } from './audit.js';
import { postgresApplications } from './applications.js';
import { postgresUsers } from './users.js';
import { postgresApiClients } from './api-clients.js';
import { postgresSessions, purgeExpiredSignIns } from './sessions.js';
import { postgresSightings } from './sightings.js';
import { postgresLogStreams } from './log-streams.js';

export type { PostgresStoreOptions } from './database.js';
export type { ListeningSubscription } from './changes.js';

export type PostgresStore = Omit<Store, 'subscribe'> & {
  readonly kind: 'postgres';
  readonly url: string;
  subscribe(onChange: (topics: ChangeTopic[]) => void, log?: (line: string) => void): ListeningSubscription;
};

/** Connects lazily (the pool opens connections on demand); call migrate() before anything else. */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): PostgresStore {
  const database = connectPool(url, options);
  const changes = postgresChanges(database);
  let closing: Promise<void> | undefined;
  const { closeSubscriptions, ...feed } = changes;
  return {
    kind: 'postgres',
    url,
    migrate: () => migratePostgres(database),
    close: () =>
      (closing ??= closeSubscriptions().then(() => database.end())),
    purgeExpired: (now, options) =>
      database.transaction(async (sql) => ({ ...(await purgeExpiredSignIns(sql, now)), rateLimits: await purgeIdleBuckets(sql, idleBucketCutoff(now, options)) })),
    ...feed,
    ...postgresKeys(database),
    ...postgresMetadataSigner(database),
    ...postgresRateLimits(database),
    ...postgresAudit(database),
    ...postgresApplications(database),
    ...postgresUsers(database),
    ...postgresApiClients(database),
    ...postgresSessions(database),
    ...postgresSightings(database),
    ...postgresLogStreams(database),
  };
}
