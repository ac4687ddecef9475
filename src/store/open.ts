import type { Config } from '../config.js';
import type { Store } from './store.js';
import { openSqliteStore } from './sqlite/index.js';
import { openPostgresStore } from './postgres/index.js';

/** sqlite:PATH → the embedded store; postgres://… → the shared store for several instances. */
export async function openStore(config: Config): Promise<Store> {
  switch (config.database.kind) {
    case 'sqlite':
      return openSqliteStore(config.database.path);
    case 'postgres':
      return openPostgresStore(config.database.url);
  }
}
