// Migration 9 (issue 15) on a store that already holds sealed keys: both key tables gain key_location,
// existing rows read back as `sealed` with their sealed value intact, and the database itself refuses a
// row whose location and sealed value disagree (a token key with private material, a sealed key without).
import { expect } from 'chai';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../src/store/sqlite/database.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite.js';
import { postgresMigrations } from '../../src/store/migrations/postgres.js';
import type { Store } from '../../src/store/store.js';
import { tempDir } from '../helpers/server.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres, withAdmin } from '../helpers/postgres.js';

const BEFORE = 8;
const T = Date.UTC(2026, 0, 1);
const KEY_COLUMNS = '(kid, state, cert_pem, sealed_private_key, created_at, current_since)';

/** Runs SQL with `?` placeholders on one backend's raw connection. */
type Exec = (sql: string, values?: unknown[]) => Promise<unknown>;

async function refusals(exec: Exec, time: (ms: number) => unknown): Promise<string[]> {
  const attempts: [string, unknown[]][] = [
    ['INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['a', 'next', 'c', 'pkcs11:t', 'fmk1.x', time(T)]],
    ['INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['b', 'next', 'c', 'sealed', null, time(T)]],
    ['INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['c', 'next', 'c', 'pkcs11:', null, time(T)]],
    ["INSERT INTO metadata_signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, 'retired', ?, ?, ?, ?)", ['d', 'c', 'pkcs11:t', 'fmk1.x', time(T)]],
  ];
  const refused: string[] = [];
  for (const [sql, values] of attempts) {
    await exec(sql, values).then(
      () => undefined,
      () => refused.push(String(values[0])),
    );
  }
  return refused;
}

async function expectUpgraded(store: Store, exec: Exec, time: (ms: number) => unknown): Promise<void> {
  await store.migrate();
  const [key] = await store.listKeys();
  expect(key).to.deep.include({ kid: 'old', state: 'current', location: 'sealed', sealedPrivateKey: 'fmk1.old-key' });
  expect(await store.activeMetadataSigner()).to.deep.include({ kid: 'md', location: 'sealed', sealedPrivateKey: 'fmk1.old-md' });
  expect(await refusals(exec, time)).to.deep.equal(['a', 'b', 'c', 'd']);
  // A token key: its location and no private material.
  await exec('INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, ?, ?, ?, ?, ?)', ['t', 'next', 'c', 'pkcs11:fedmeta', null, time(T)]);
  expect((await store.listKeys()).find((record) => record.kid === 't')).to.deep.include({ location: 'pkcs11:fedmeta', sealedPrivateKey: undefined });
}

describe('migration 9: key locations on a store with sealed keys', () => {
  it('SQLite: rows become sealed, triggers and unique indexes survive the table rebuild', async () => {
    const path = join(tempDir(), 'fedmeta.db');
    const { db } = openDatabase(path);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
    for (const migration of sqliteMigrations.filter((m) => m.version <= BEFORE)) {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, T);
    }
    db.prepare(`INSERT INTO signing_keys ${KEY_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`).run('old', 'current', 'cert', 'fmk1.old-key', T, T);
    db.prepare("INSERT INTO metadata_signing_keys (kid, state, cert_pem, sealed_private_key, created_at) VALUES ('md', 'active', 'cert', 'fmk1.old-md', ?)").run(T);
    const exec: Exec = async (sql, values = []) => db.prepare(sql).run(...values);
    const store = openSqliteStore(path);
    try {
      await expectUpgraded(store, exec, (ms) => ms);
      expect(() => db.prepare("DELETE FROM signing_keys WHERE kid = 'old'").run()).to.throw(/never deleted/);
      expect(() => db.prepare("INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at, current_since) VALUES ('x', 'current', 'c', 'sealed', 'fmk1.x', 1, 1)").run()).to.throw(/UNIQUE/);
    } finally {
      await store.close();
      db.close();
    }
  });

  it('PostgreSQL: rows become sealed, the new check replaces the old one', async function () {
    await requirePostgres(this);
    const schema = freshSchema();
    const inSchema = (sql: string, values: unknown[] = []) =>
      withAdmin(async (client) => {
        await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
        let n = 0;
        return client.query(sql.replace(/\?/g, () => `$${++n}`), values);
      });
    try {
      await withAdmin((client) => client.query(`CREATE SCHEMA ${pg.escapeIdentifier(schema)}`));
      await inSchema('CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      for (const migration of postgresMigrations.filter((m) => m.version <= BEFORE)) {
        await inSchema(migration.sql);
        await inSchema('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)', [migration.version, new Date(T)]);
      }
      await inSchema(`INSERT INTO signing_keys ${KEY_COLUMNS} VALUES (?, ?, ?, ?, ?, ?)`, ['old', 'current', 'cert', 'fmk1.old-key', new Date(T), new Date(T)]);
      await inSchema("INSERT INTO metadata_signing_keys (kid, state, cert_pem, sealed_private_key, created_at) VALUES ('md', 'active', 'cert', 'fmk1.old-md', ?)", [new Date(T)]);
      const store = openPostgresStore(postgresUrl(schema));
      try {
        await expectUpgraded(store, inSchema, (ms) => new Date(ms));
      } finally {
        await store.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
