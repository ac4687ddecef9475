// The SQLite connection (better-sqlite3). WAL with synchronous=FULL: a change is on disk before the
// call returns. BEGIN IMMEDIATE serialises writers across processes (server and CLI).
import Database from 'better-sqlite3';
import { emailKey, type ColumnEncoding } from '../rows.js';
import { secureSqliteFiles } from '../file-modes.js';
import { sqliteMigrations } from '../migrations/sqlite.js';

export type SqliteDatabase = Database.Database;

export const sqliteEncoding: ColumnEncoding = {
  time: (date) => date.getTime(),
  flag: (value) => (value ? 1 : 0),
  words: (list) => list.join(' '),
};

/** Opens the database; `warnings` names files that were readable by others and were tightened (shown at start-up). */
export function openDatabase(path: string): { db: SqliteDatabase; warnings: string[] } {
  // Directory 0700 and database 0600 before SQLite opens it: -wal/-shm inherit the database's mode.
  const warnings = path === ':memory:' ? [] : secureSqliteFiles(path);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 15000');
  db.pragma('foreign_keys = ON');
  // The stored e-mail form (rows.ts emailKey), for migration 4.
  db.function('fedmeta_email_key', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? emailKey(value) : value));
  return { db, warnings };
}

/** One write transaction, BEGIN IMMEDIATE (takes the write lock first, so it never deadlocks on upgrade). */
export function immediate<T>(db: SqliteDatabase, work: () => T): T {
  return db.transaction(work).immediate();
}

/** Prepared once per connection and text: preparing costs about as much as running a small statement. */
const prepared = new WeakMap<SqliteDatabase, Map<string, Database.Statement>>();

function statement(db: SqliteDatabase, sql: string): Database.Statement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let found = cache.get(sql);
  if (!found) cache.set(sql, (found = db.prepare(sql)));
  return found;
}

export const all = <R>(db: SqliteDatabase, sql: string, ...values: unknown[]) => statement(db, sql).all(...values) as R[];
export const one = <R>(db: SqliteDatabase, sql: string, ...values: unknown[]) => statement(db, sql).get(...values) as R | undefined;
/** Runs a statement; the number of rows it changed. */
export const run = (db: SqliteDatabase, sql: string, ...values: unknown[]) => statement(db, sql).run(...values).changes;

export function migrateDatabase(db: SqliteDatabase): void {
  immediate(db, () => {
    db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    const applied = new Set(all<{ version: number }>(db, 'SELECT version FROM schema_migrations').map((row) => row.version));
    for (const migration of sqliteMigrations) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      run(db, 'INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', migration.version, Date.now());
    }
  });
}

/** A unique-constraint failure becomes the 409 conflict the caller describes; anything else is rethrown as is. */
export function uniqueConflict(error: unknown, conflict: () => Error): unknown {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? conflict() : error;
}
