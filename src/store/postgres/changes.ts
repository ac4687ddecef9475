// PostgreSQL change feed: counters bumped in the change's transaction, NOTIFY fedmeta_changes sent
// in the same transaction (delivered at commit), and LISTEN subscriptions (notify.ts).
import type { ChangeFeed, ChangeSubscription, ChangeTopic, ChangeVersions } from '../store.js';
import type { PostgresDatabase, Sql } from './database.js';
import { CHANGE_CHANNEL, ChangeListener } from './notify.js';

/** A subscription that can say whether it is connected (tests, /health). */
export type ListeningSubscription = ChangeSubscription & { readonly listening: boolean; ready(): Promise<void> };

export interface PostgresChangeFeed extends Required<ChangeFeed> {
  subscribe(onChange: (topics: ChangeTopic[]) => void, log?: (line: string) => void): ListeningSubscription;
  /** Ends every subscription (store.close()). */
  closeSubscriptions(): Promise<void>;
}

/** Bump a change counter and notify every instance; both take effect at commit. */
export async function bumpVersion(sql: Sql, topic: ChangeTopic): Promise<void> {
  const { rows } = await sql<{ version: string }>('UPDATE change_counters SET version = version + 1 WHERE name = ? RETURNING version', [topic]);
  const payload = "json_build_object('schema', current_schema(), 'topic', ?::text, 'version', ?::bigint)::text";
  await sql(`SELECT pg_notify('${CHANGE_CHANNEL}', ${payload})`, [topic, rows[0]?.version ?? '0']);
}

export function postgresChanges(database: PostgresDatabase): PostgresChangeFeed {
  const listeners = new Set<ChangeListener>();
  return {
    async versions(): Promise<ChangeVersions> {
      const { rows } = await database.query<{ name: string; version: string }>('SELECT name, version FROM change_counters');
      const get = (name: ChangeTopic) => Number(rows.find((row) => row.name === name)?.version ?? 0);
      return { keys: get('keys'), clients: get('clients') };
    },
    subscribe(onChange, log) {
      const listener = new ChangeListener(database.clientConfig, onChange, log);
      listeners.add(listener);
      return {
        get listening() {
          return listener.listening;
        },
        ready: () => listener.ready(),
        close: async () => {
          listeners.delete(listener);
          await listener.close();
        },
      };
    },
    async closeSubscriptions() {
      await Promise.all([...listeners].map((listener) => listener.close()));
      listeners.clear();
    },
  };
}
