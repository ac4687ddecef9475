// The SQLite connection (better-sqlite3). WAL with synchronous=FULL: a change is on disk before the
// call returns. BEGIN IMMEDIATE serialises writers across processes (server and CLI).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ColumnEncoding } from '../rows.js';
import { sqliteMigrations } from '../migrations/sqlite.js';

export type SqliteDatabase = Database.Database;

export const sqliteEncoding: ColumnEncoding = {
  time: (date) => date.getTime(),
  flag: (value) => (value ? 1 : 0),
  words: (list) => list.join(' '),
};

export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 15000');
  db.pragma('foreign_keys = ON');
  return db;
}

/** One write transaction, BEGIN IMMEDIATE (takes the write lock first, so it never deadlocks on upgrade). */
export function immediate<T>(db: SqliteDatabase, work: () => T): T {
  return db.transaction(work).immediate();
}

export const all = <R>(db: SqliteDatabase, sql: string, ...values: unknown[]) => db.prepare(sql).all(...values) as R[];
export const one = <R>(db: SqliteDatabase, sql: string, ...values: unknown[]) => db.prepare(sql).get(...values) as R | undefined;
/** Runs a statement; the number of rows it changed. */
export const run = (db: SqliteDatabase, sql: string, ...values: unknown[]) => db.prepare(sql).run(...values).changes;

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
