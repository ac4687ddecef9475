// What only the PostgreSQL store has: its schema and migrations (including `fedmeta migrate`),
// constraints enforced by the database itself, no private key in the clear in any table,
// connection failures as 503, and change notices scoped to one deployment's schema.
import { expect } from 'chai';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import { firstSchema } from '../../src/store/postgres/migrate.js';
import { postgresMigrations } from '../../src/store/migrations/postgres.js';
import { isConnectionError, translatePgError } from '../../src/store/postgres/errors.js';
import { FedmetaError } from '../../src/errors.js';
import { unseal } from '../../src/keys/seal.js';
import type { ChangeTopic } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { freePort, startTestServer, tempDir, TEST_KEK, type TestServer } from '../helpers/server.js';
import { until } from '../helpers/wait.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres, TEST_POSTGRES_URL, withAdmin } from '../helpers/postgres.js';
import { requireBuild } from '../helpers/serve-processes.js';

const inSchema = <T>(schema: string, work: (client: pg.Client) => Promise<T>) =>
  withAdmin(async (client) => {
    await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
    return work(client);
  });

async function sqlFailure(schema: string, sql: string): Promise<string> {
  try {
    await inSchema(schema, (client) => client.query(sql));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`the database accepted: ${sql}`);
}

describe('PostgreSQL store', function () {
  this.timeout(60_000);
  const schemas: string[] = [];
  const newSchema = () => {
    const schema = freshSchema();
    schemas.push(schema);
    return schema;
  };

  before(async function () {
    await requirePostgres(this);
  });
  after(async () => {
    for (const schema of schemas) await dropSchema(schema).catch(() => {});
  });

  it('migrate() creates the schema named in search_path; eight instances migrating a new schema at once apply each migration once', async () => {
    const schema = newSchema();
    const stores = Array.from({ length: 8 }, () => openPostgresStore(postgresUrl(schema)));
    try {
      await Promise.all(stores.map((store) => store.migrate()));
      const versions = await inSchema(schema, (client) => client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version'));
      const all = postgresMigrations.map((migration) => migration.version);
      expect(versions.rows.map((row) => row.version), 'every migration, once, up to the highest').to.deep.equal(all);
      expect(await stores[3]!.versions()).to.deep.equal({ keys: 0, clients: 0 });
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('fedmeta migrate creates or upgrades the schema, again and again; a bad database is one line on stderr', async () => {
    requireBuild();
    const schema = newSchema();
    const env = { FEDMETA_DATABASE_URL: postgresUrl(schema), FEDMETA_KEK: TEST_KEK, FEDMETA_ENV_FILE: '/dev/null' };
    for (let i = 0; i < 2; i += 1) {
      const result = await runCli(['migrate'], env);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout.toString()).to.equal('migrated: the postgres schema is up to date\n');
    }
    const tables = await inSchema(schema, (client) => client.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()"));
    expect(Number(tables.rows[0]!.n), "15 tables (metadata_signing_keys, consumer_sightings, rollover_acknowledgements, log_streams included) and schema_migrations").to.equal(16);
    expect(await inSchema(schema, (client) => client.query('SELECT * FROM metadata_signing_keys')).then((r) => r.rowCount), 'migrate creates no metadata-signing key').to.equal(0);
    expect(await inSchema(schema, (client) => client.query('SELECT * FROM signing_keys')).then((r) => r.rowCount), 'migrate creates no keys').to.equal(0);

    const dir = tempDir();
    const sqlite = await runCli(['migrate'], { FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'fedmeta.db')}`, FEDMETA_ENV_FILE: '/dev/null' });
    expect(sqlite.code, sqlite.stderr).to.equal(0);
    expect(sqlite.stdout.toString()).to.equal('migrated: the sqlite schema is up to date\n');

    const closed = await freePort();
    const down = await runCli(['migrate'], { ...env, FEDMETA_DATABASE_URL: `postgres://postgres@127.0.0.1:${closed}/test` });
    expect(down.code).to.equal(1);
    expect(down.stderr.trim().split('\n')).to.have.length(1);
    expect(down.stderr).to.match(/^fedmeta: The database is unreachable/);
    expect((await runCli(['migrate', 'now'], env)).code).to.equal(2);
  });

  describe('the database itself refuses what the lifecycle forbids', () => {
    let server: TestServer;
    let schema: string;
    before(async () => {
      schema = newSchema();
      server = await startTestServer({ env: { FEDMETA_DATABASE_URL: postgresUrl(schema), FEDMETA_ROTATION_RATE_BURST: '10' } });
      await server.services.keys.rotate({ actor: { type: 'system', id: 'test' } });
      const previous = (await server.services.store.listKeys()).find((key) => key.state === 'previous')!;
      await server.services.keys.rotate({ actor: { type: 'system', id: 'test' } });
      await server.services.keys.revoke(previous.kid, { actor: { type: 'system', id: 'test' }, force: true });
    });
    after(async () => server?.destroy());

    it('a second current or next key, un-revoking, deleting or truncating keys, and unsealed private keys', async () => {
      const keys = await server.services.store.listKeys();
      const revoked = keys.find((key) => key.state === 'revoked')!;
      const previous = keys.find((key) => key.state === 'previous')!;
      expect(await sqlFailure(schema, `UPDATE signing_keys SET state = 'current', current_since = now() WHERE kid = '${previous.kid}'`)).to.match(/signing_keys_one_current/);
      expect(await sqlFailure(schema, `UPDATE signing_keys SET state = 'next' WHERE kid = '${previous.kid}'`)).to.match(/signing_keys_one_next/);
      expect(await sqlFailure(schema, `UPDATE signing_keys SET state = 'previous', revoked_at = NULL WHERE kid = '${revoked.kid}'`)).to.match(/revoked signing key stays revoked/);
      expect(await sqlFailure(schema, `DELETE FROM signing_keys WHERE kid = '${previous.kid}'`)).to.match(/never deleted/);
      expect(await sqlFailure(schema, 'TRUNCATE signing_keys CASCADE')).to.match(/never deleted/);
      expect(await sqlFailure(schema, `UPDATE signing_keys SET state = 'bogus' WHERE kid = '${previous.kid}'`)).to.match(/check constraint/);
      expect(await sqlFailure(schema, `UPDATE signing_keys SET revoked_at = NULL WHERE kid = '${revoked.kid}'`)).to.match(/check constraint/);
      expect(await sqlFailure(schema, `UPDATE signing_keys SET sealed_private_key = '-----BEGIN PRIVATE KEY-----' WHERE kid = '${previous.kid}'`)).to.match(/check constraint/);
      expect(await server.services.store.listKeys()).to.deep.equal(keys);
    });

    it('no table holds a private key in the clear', async () => {
      const kek = Buffer.from(TEST_KEK, 'base64url');
      const dump = await inSchema(schema, async (client) => {
        const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()");
        let text = '';
        for (const { table_name } of tables.rows) {
          const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${pg.escapeIdentifier(table_name)} t`);
          text += rows.rows.map((row) => row.row).join('\n');
        }
        return text;
      });
      expect(dump).to.include('fmk1.');
      expect(dump).not.to.include('PRIVATE KEY');
      for (const record of await server.services.store.listKeys()) {
        const pem = unseal(kek, record.kid, record.sealedPrivateKey!);
        const jwk = createPrivateKey(pem).export({ format: 'jwk' });
        const body = pem.split('\n')[1]!;
        expect(dump.includes(body), `${record.kid} PEM`).to.equal(false);
        expect(dump.includes(jwk.d!.slice(0, 40)), `${record.kid} d`).to.equal(false);
        expect(dump.includes(Buffer.from(jwk.d!, 'base64url').toString('hex').slice(0, 64)), `${record.kid} d (hex)`).to.equal(false);
        expect(dump.includes(Buffer.from(jwk.p!, 'base64url').toString('base64').slice(0, 40)), `${record.kid} p`).to.equal(false);
      }
    });
  });

  it('an unreachable database answers 503 service_unavailable (with Retry-After) from every call (how fast: npm run bench)', async () => {
    const port = await freePort();
    const store = openPostgresStore(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeoutMs: 1000 });
    try {
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['versions', () => store.versions()],
        ['listKeys', () => store.listKeys()],
        ['changeKeys', () => store.changeKeys({ now: new Date(), plan: () => ({ changes: [], result: null }), audit: () => [] })],
        ['takeRateLimit', () => store.takeRateLimit({ bucket: 'b', policy: { burst: 1, perDay: 1 } }, new Date())],
        ['createSession', () => store.createSession({ idHash: 'h', userId: 'u', createdAt: new Date(), expiresAt: new Date(), participants: [] })],
        ['migrate', () => store.migrate()],
      ];
      for (const [name, call] of calls) {
        let failure: unknown;
        try {
          await call();
        } catch (error) {
          failure = error;
        }
        expect(failure, name).to.be.instanceOf(FedmetaError);
        expect((failure as FedmetaError).status, name).to.equal(503);
        expect((failure as FedmetaError).code, name).to.equal('service_unavailable');
        expect((failure as FedmetaError).headers['Retry-After']).to.equal('5');
        expect((failure as FedmetaError).expose, 'the message is ours to show').to.equal(true);
      }
    } finally {
      await store.close();
    }
  });

  it('the schema to create is the first one search_path names, folded like PostgreSQL folds it', () => {
    expect(firstSchema('"$user", public')).to.equal('public');
    expect(firstSchema('Fedmeta_Prod, public')).to.equal('fedmeta_prod');
    expect(firstSchema('"Fedmeta Prod"')).to.equal('Fedmeta Prod');
    expect(firstSchema('')).to.equal(undefined);
  });

  it('connection failures are told apart from query errors', () => {
    const yes = [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' }), Object.assign(new Error('b'), { code: 'ECONNREFUSED' })]),
    ];
    const no = [
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('syntax error'), { code: '42601' }),
      new FedmetaError(409, 'conflict', 'Connection terminated (a conflict message that only looks alike)'),
      new Error('a revoked signing key stays revoked'),
    ];
    for (const error of yes) expect(isConnectionError(error), error.message).to.equal(true);
    for (const error of no) expect(isConnectionError(error), error.message).to.equal(false);
    expect(translatePgError(no[0])).to.equal(no[0]);
  });

  it('change notices are scoped to one schema: deployments sharing a database do not wake each other', async () => {
    const [one, two] = [newSchema(), newSchema()];
    const storeOne = openPostgresStore(postgresUrl(one));
    const storeTwo = openPostgresStore(postgresUrl(two));
    try {
      await Promise.all([storeOne.migrate(), storeTwo.migrate()]);
      const seen: ChangeTopic[][] = [];
      const subscription = storeOne.subscribe((topics) => seen.push(topics));
      await subscription.ready();
      await until(() => seen.length > 0, 3000, 'a change notification', 10);
      seen.length = 0;
      const now = new Date();
      await storeTwo.saveApplication(
        { clientId: 'x', name: 'x', callbacks: ['https://x.example/acs'], addons: { wsfed: { realm: 'urn:x', tokenFormat: 'saml11', lifetimeInSeconds: 60 } }, createdAt: now, updatedAt: now },
        { event: 'client_created', description: 'x', actor: { type: 'system', id: 't' } },
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen, 'nothing from the other schema').to.deep.equal([]);
      await storeOne.saveApplication(
        { clientId: 'y', name: 'y', callbacks: ['https://y.example/acs'], addons: { wsfed: { realm: 'urn:y', tokenFormat: 'saml11', lifetimeInSeconds: 60 } }, createdAt: now, updatedAt: now },
        { event: 'client_created', description: 'y', actor: { type: 'system', id: 't' } },
      );
      await until(() => seen.length > 0, 3000, 'a change notification', 10);
      expect(seen).to.deep.equal([['clients']]);
      expect(subscription.listening).to.equal(true);
    } finally {
      await Promise.all([storeOne.close(), storeTwo.close()]);
    }
  });

  it('the test database URL is honoured (FEDMETA_TEST_POSTGRES_URL)', () => {
    expect(postgresUrl('fmt_x')).to.match(/^postgres(ql)?:\/\//).and.include('search_path%3Dfmt_x');
    expect(new URL(postgresUrl('fmt_x')).host).to.equal(new URL(TEST_POSTGRES_URL).host);
  });
});

