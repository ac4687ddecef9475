// SQLite change feed: counters only. No push channel: other processes' changes arrive through the poll of versions().
import type { ChangeFeed, ChangeTopic, ChangeVersions } from '../store.js';
import { all, run, type SqliteDatabase } from './database.js';

export function bumpVersion(db: SqliteDatabase, topic: ChangeTopic): void {
  run(db, 'UPDATE change_counters SET version = version + 1 WHERE name = ?', topic);
}

export function sqliteChanges(db: SqliteDatabase): Required<ChangeFeed> {
  return {
    async versions(): Promise<ChangeVersions> {
      const rows = all<{ name: string; version: number }>(db, 'SELECT name, version FROM change_counters');
      const get = (name: ChangeTopic) => rows.find((row) => row.name === name)?.version ?? 0;
      return { keys: get('keys'), clients: get('clients') };
    },
    subscribe: () => ({ close: async () => {} }),
  };
}
