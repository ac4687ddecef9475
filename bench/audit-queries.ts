// node --import tsx bench/audit-queries.ts: 100,000 audit rows on SQLite and on PostgreSQL (at
// FEDMETA_TEST_POSTGRES_URL), then the plan and the median time of every GET /api/v2/logs query form,
// so a change to the audit indexes (store/migrations) or to store/audit-query.ts can be checked.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openSqliteStore } from '../src/store/sqlite/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { countAudit, selectAudit, SELECT_AUDIT_AFTER } from '../src/store/audit-query.js';
import { numbered, postgresEncoding } from '../src/store/postgres/database.js';
import { sqliteEncoding } from '../src/store/sqlite/database.js';
import type { ColumnEncoding } from '../src/store/rows.js';
import { parseLogQuery } from '../src/audit/log-query.js';
import { tempDir } from '../test/helpers/server.js';
import { dropSchema, freshSchema, postgresUrl } from '../test/helpers/postgres.js';

const ROWS = 100_000;
const EVENTS = ['key_rotated', 'client_updated', 'sso_succeeded', 'login_failed', 'token_issued', 'login_succeeded', 'user_created', 'logout'];
const START = Date.UTC(2026, 8, 1);
/** One row a minute from 2026-09-01: 500 users, 50 applications. */
const row = (i: number): unknown[] => [START + i * 60_000, EVENTS[i % EVENTS.length], `e${i}`, i % 5 ? 'user' : 'api_client', `actor${i % 500}`, '10.0.0.1', i % 7 ? `usr_${i % 500}` : null, i % 3 ? null : `app_${i % 50}`, '{}'];
const INSERT = 'INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, user_id, client_id, details) VALUES ';

function statements(encoding: ColumnEncoding): [string, { sql: string; params: unknown[] }][] {
  const q = (text: string) => parseLogQuery(text);
  return [
    ['newest page', selectAudit({ limit: 50 }, encoding)],
    ['page 19 (offset 950)', selectAudit({ limit: 50, offset: 950 }, encoding)],
    ['type:key_rotated', selectAudit({ filter: q('type:key_rotated'), limit: 50 }, encoding)],
    ['type:(s OR fp)', selectAudit({ filter: q('type:(s OR fp)'), limit: 50 }, encoding)],
    ['date:[a week]', selectAudit({ filter: q('date:[2026-10-01 TO 2026-10-07]'), limit: 50 }, encoding)],
    ['user_id', selectAudit({ filter: q('user_id:usr_42'), limit: 50 }, encoding)],
    ['client_id', selectAudit({ filter: q('client_id:app_7'), limit: 50 }, encoding)],
    ['type + date + user_id', selectAudit({ filter: q('type:s date:[2026-10-01 TO 2026-10-31] user_id:usr_42'), limit: 50 }, encoding)],
    ['dashboard: below an entry', selectAudit({ below: { date: new Date(START + 50_000 * 60_000), logId: 50_001 }, limit: 50 }, encoding)],
    ['from/take (checkpoint)', { sql: SELECT_AUDIT_AFTER, params: [50_000, 100] }],
    ['include_totals: count type:s', countAudit(q('type:s'), encoding)],
  ];
}

const median = (times: number[]) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;

async function timed(run: () => unknown): Promise<string> {
  const times: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    const started = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return `${median(times).toFixed(2).padStart(7)} ms`;
}

async function sqlite(): Promise<void> {
  const path = join(tempDir('fedmeta-bench-'), 'fedmeta.db');
  const store = openSqliteStore(path);
  await store.migrate();
  await store.close();
  const db = new Database(path);
  const insert = db.prepare(`${INSERT}(?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => Array.from({ length: ROWS }, (_, i) => insert.run(...row(i))))();
  db.exec('ANALYZE');
  console.log(`SQLite, ${ROWS} rows`);
  for (const [name, { sql, params }] of statements(sqliteEncoding)) {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((step) => step.detail).join('; ');
    console.log(`  ${name.padEnd(30)} ${await timed(() => db.prepare(sql).all(...params))}  ${plan}`);
  }
  db.close();
}

async function postgres(): Promise<void> {
  const schema = freshSchema();
  const store = openPostgresStore(postgresUrl(schema));
  await store.migrate();
  await store.close();
  const client = new pg.Client({ connectionString: postgresUrl(schema) });
  await client.connect();
  for (let first = 0; first < ROWS; first += 5000) {
    const rows = Array.from({ length: 5000 }, (_, i) => row(first + i)).map(([at, ...rest]) => [new Date(at as number), ...rest]);
    await client.query(`${INSERT}${rows.map((_, r) => `(${rows[0]!.map((__, c) => `$${r * 9 + c + 1}`).join(', ')})`).join(', ')}`, rows.flat());
  }
  await client.query('ANALYZE audit_log');
  console.log(`PostgreSQL, ${ROWS} rows`);
  for (const [name, { sql, params }] of statements(postgresEncoding)) {
    const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${numbered(sql)}`, params)).rows.map((line) => line['QUERY PLAN'].trim()).filter((line) => /Scan|Sort/.test(line));
    console.log(`  ${name.padEnd(30)} ${await timed(() => client.query(numbered(sql), params))}  ${plan.map((line) => line.replace(/\s+\(cost.*$/, '')).join('; ')}`);
  }
  await client.end();
  await dropSchema(schema);
}

await sqlite();
await postgres();
