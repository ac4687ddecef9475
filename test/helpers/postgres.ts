// PostgreSQL for the tests: the local server (FEDMETA_TEST_POSTGRES_URL, default
// postgres://postgres@127.0.0.1:5432/test), one fresh schema per test store so runs never share
// state. Suites that need PostgreSQL call requirePostgres(this) in `before`: it skips when the
// server is unreachable, and fails instead when FEDMETA_REQUIRE_OPTIONAL or CI is set.
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { skipBecause } from './optional.js';

export const TEST_POSTGRES_URL = process.env.FEDMETA_TEST_POSTGRES_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** Which backend startTestServer() and testEnv() use: FEDMETA_TEST_DATABASE=postgres switches the suite. */
export type TestBackend = 'sqlite' | 'postgres';

export function testBackend(): TestBackend {
  const wanted = (process.env.FEDMETA_TEST_DATABASE ?? 'sqlite').trim().toLowerCase();
  if (wanted === 'postgres' || wanted === 'postgresql' || wanted === 'pg') return 'postgres';
  if (wanted === 'sqlite' || wanted === '') return 'sqlite';
  throw new Error(`FEDMETA_TEST_DATABASE must be sqlite or postgres (got "${wanted}")`);
}

const created = new Set<string>();

/** The schema that belongs to a test directory: a restart on the same dir finds the same store. */
export function schemaForDir(dir: string): string {
  return `fmt_${createHash('sha256').update(dir).digest('hex').slice(0, 24)}`;
}

export function freshSchema(): string {
  return `fmt_${randomBytes(12).toString('hex')}`;
}

/** A connection URL whose search_path is `schema` (fedmeta creates the schema when it migrates). */
export function postgresUrl(schema: string, base = TEST_POSTGRES_URL): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  created.add(schema);
  return url.href;
}

export async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropSchema(schema: string): Promise<void> {
  created.delete(schema);
  await withAdmin((client) => client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
}

let reachable: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL answers, otherwise why not. */
export function postgresProblem(): Promise<string | undefined> {
  reachable ??= withAdmin((client) => client.query('SELECT 1')).then(
    () => undefined,
    (error: unknown) => (error as Error).message || String(error),
  );
  return reachable;
}

/** In a `before` hook: skip the suite without PostgreSQL, or fail when optional tests are required. */
export async function requirePostgres(context: Mocha.Context): Promise<void> {
  const problem = await postgresProblem();
  if (!problem) return;
  skipBecause(context, `PostgreSQL at ${TEST_POSTGRES_URL} is unreachable (${problem})`);
}

// Schemas a test created but never dropped (a server that was not destroyed): dropped once the
// test process is about to exit.
let cleaned = false;
process.on('beforeExit', () => {
  if (cleaned || created.size === 0) return;
  cleaned = true;
  const schemas = [...created];
  void withAdmin(async (client) => {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  }).catch(() => {});
});
