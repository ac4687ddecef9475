// The store backends under test, opened directly (no server): a fresh store per test, and a way
// to open a second, independent handle on the same store (another process or instance).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Store } from '../../src/store/store.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { tempDir } from '../helpers/server.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from '../helpers/postgres.js';

export interface OpenedStore {
  /** Migrated. */
  store: Store;
  /** Another handle on the same store, not migrated (call migrate() if needed). */
  another(): Store;
  /** Run SQL straight on the database, past the store (to plant rows an older version wrote). */
  sql(statement: string): Promise<void>;
  destroy(): Promise<void>;
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** In a `before` hook: skip (or fail, in CI) when the backend is not available. */
  require(context: Mocha.Context): Promise<void>;
  open(): Promise<OpenedStore>;
}

async function opened(make: () => Store, cleanup: () => Promise<void>, sql: (statement: string) => Promise<void>): Promise<OpenedStore> {
  const handles: Store[] = [];
  const another = () => {
    const handle = make();
    handles.push(handle);
    return handle;
  };
  const store = another();
  await store.migrate();
  return {
    store,
    another,
    sql,
    async destroy() {
      await Promise.all(handles.map((handle) => handle.close()));
      await cleanup();
    },
  };
}

export const sqliteBackend: Backend = {
  name: 'sqlite',
  async require() {},
  async open() {
    const dir = tempDir('fedmeta-store-');
    const path = join(dir, 'fedmeta.db');
    return opened(
      () => openSqliteStore(path),
      async () => rmSync(dir, { recursive: true, force: true }),
      async (statement) => {
        const db = new Database(path);
        try {
          db.exec(statement);
        } finally {
          db.close();
        }
      },
    );
  },
};

export const postgresBackend: Backend = {
  name: 'postgres',
  require: requirePostgres,
  async open() {
    const schema = freshSchema();
    const url = postgresUrl(schema);
    return opened(
      () => openPostgresStore(url),
      () => dropSchema(schema),
      async (statement) => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        try {
          await client.query(statement);
        } finally {
          await client.end();
        }
      },
    );
  },
};

export const BACKENDS: Backend[] = [sqliteBackend, postgresBackend];

/**
 * One describe block per backend, each test on a freshly opened store (destroyed afterwards);
 * `store()` is the test's OpenedStore. PostgreSQL skips or fails by the optional-service rule.
 */
export function describeOnEveryBackend(title: string, body: (store: () => OpenedStore, backend: Backend) => void): void {
  for (const backend of BACKENDS) {
    describe(`${title}: ${backend.name}`, function () {
      let opened: OpenedStore | undefined;
      before(async function () {
        await backend.require(this);
      });
      beforeEach(async () => {
        opened = await backend.open();
      });
      afterEach(async () => opened?.destroy());
      body(() => opened!, backend);
    });
  }
}
