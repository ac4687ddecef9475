// Creates or upgrades the schema: in the first schema named in search_path (created when missing),
// under an advisory lock so that several instances starting at once migrate once.
import pg from 'pg';
import { postgresMigrations } from '../migrations/postgres.js';
import type { PostgresDatabase } from './database.js';

/** The first schema a search_path names, skipping "$user" (unquoted names fold to lower case). */
export function firstSchema(path: string): string | undefined {
  return path
    .split(',')
    .map((part) => part.trim())
    .map((part) => (/^".*"$/.test(part) ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase()))
    .find((part) => part !== '' && part !== '$user');
}

async function createSchemaIfMissing(client: pg.PoolClient, current: string | null, wanted: string | undefined): Promise<void> {
  if (current) return;
  if (!wanted) throw new Error('the PostgreSQL search_path names no schema to create the tables in');
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [wanted]);
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${pg.escapeIdentifier(wanted)}`);
}

export function migratePostgres(database: PostgresDatabase): Promise<void> {
  return database.transaction(async (_sql, client) => {
    const { rows } = await client.query<{ schema: string | null; path: string }>("SELECT current_schema() AS schema, current_setting('search_path') AS path");
    const current = rows[0]?.schema ?? null;
    const wanted = current ?? firstSchema(rows[0]?.path ?? '');
    // Several instances starting at once: one migrates, the others wait and then find it done.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('fedmeta:migrate'), hashtext($1))", [wanted ?? '']);
    await createSchemaIfMissing(client, current, wanted);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
    for (const migration of postgresMigrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, new Date()]);
    }
  });
}
