import type { Config } from '../config.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite.js';
import { PostgresStore } from './postgres.js';

/** sqlite:PATH → the embedded store; postgres://… → the shared store for several instances. */
export async function openStore(config: Config): Promise<Store> {
  switch (config.database.kind) {
    case 'sqlite':
      return new SqliteStore(config.database.path);
    case 'postgres':
      return new PostgresStore(config.database.url);
  }
}
