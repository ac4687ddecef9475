import type { Config } from '../config.js';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite.js';

export async function openStore(config: Config): Promise<Store> {
  if (config.database.kind === 'sqlite') return new SqliteStore(config.database.path);
  throw new Error('PostgreSQL support is not built yet (issue #6); use sqlite:PATH');
}
