// Real `fedmeta serve` processes on one PostgreSQL schema (the compiled dist/, as users run it).
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { runCli, serveProcess } from './cli.js';
import { freePort, TEST_KEK } from './server.js';
import { rememberSecret } from './logs.js';
import { dropSchema, freshSchema, postgresProblem, postgresUrl, requirePostgres } from './postgres.js';
import { openPostgresStore } from '../../src/store/postgres/index.js';
import type { KeyRecord } from '../../src/keys/types.js';

export const ISSUER = 'http://fedmeta.lb.test';
export const KEY_SCOPES = 'read:signing_keys create:signing_keys update:signing_keys read:logs';

export function requireBuild(): void {
  const built = fileURLToPath(new URL('../../dist/store/postgres/index.js', import.meta.url));
  if (!existsSync(built)) throw new Error('dist/ has no PostgreSQL store: run `npm run build` before these tests');
}

export function instanceEnv(schema: string, port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FEDMETA_DATABASE_URL: postgresUrl(schema),
    FEDMETA_KEK: TEST_KEK,
    HOST: '127.0.0.1',
    PORT: String(port),
    FEDMETA_ISSUER: ISSUER,
    FEDMETA_ENV_FILE: '/dev/null',
    FEDMETA_ROTATION_RATE_BURST: '1000',
    FEDMETA_ROTATION_RATE_PER_DAY: '1000',
    ...extra,
  };
}

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  env: Record<string, string>;
  output: () => string;
}

export async function startInstance(schema: string): Promise<ServeProcess> {
  const env = instanceEnv(schema, await freePort());
  const running = await serveProcess(env);
  return { ...running, env };
}

export async function stopInstance(instance: ServeProcess): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  const exited = once(instance.child, 'exit');
  instance.child.kill('SIGTERM');
  await exited;
}

export interface Credentials {
  client_id: string;
  client_secret: string;
}

export async function addApiClientCli(env: Record<string, string>): Promise<Credentials> {
  const result = await runCli(['api-clients', 'add', '--name', 'ops', '--scopes', KEY_SCOPES, '--json'], env);
  if (result.code !== 0) throw new Error(`api-clients add failed: ${result.stderr}`);
  const credentials = JSON.parse(result.stdout.toString()) as Credentials;
  rememberSecret('client secret', credentials.client_secret);
  return credentials;
}

export async function tokenFrom(url: string, credentials: Credentials): Promise<string> {
  const response = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${ISSUER}/api/v2/` }),
  });
  if (response.status !== 200) throw new Error(`token: ${response.status} ${await response.text()}`);
  const token = ((await response.json()) as { access_token: string }).access_token;
  rememberSecret('access token', token);
  return token;
}

export const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

export async function jwks(url: string): Promise<{ body: string; etag: string | null; kids: string[] }> {
  const response = await fetch(`${url}/.well-known/jwks.json`);
  const body = await response.text();
  return { body, etag: response.headers.get('etag'), kids: (JSON.parse(body) as { keys: { kid: string }[] }).keys.map((key) => key.kid) };
}

export { until } from './wait.js';

/** Read the shared store directly (not through an instance). */
export async function readStore(schema: string) {
  const store = openPostgresStore(postgresUrl(schema));
  try {
    const [keys, audit, versions] = await Promise.all([store.listKeys(), store.queryAudit({ limit: 1000 }), store.versions()]);
    return { keys, audit, versions };
  } finally {
    await store.close();
  }
}

/**
 * A whole key set, never a half one: one current and one next key, every retired key with its
 * dates, and exactly one committed rotation (with its audit entry and counter bump) per retired key.
 */
export function expectWholeKeySet(state: Awaited<ReturnType<typeof readStore>>): { rotations: number } {
  const { keys, audit, versions } = state;
  const by = (s: KeyRecord['state']) => keys.filter((key) => key.state === s);
  expect(by('current'), 'one current key').to.have.length(1);
  expect(by('next'), 'one next key').to.have.length(1);
  expect(by('current')[0]!.currentSince).to.be.instanceOf(Date);
  expect(by('next')[0]!.currentSince, 'the next key never signed').to.equal(undefined);
  for (const key of [...by('previous'), ...by('revoked')]) {
    expect(key.currentSince, `${key.kid} was current once`).to.be.instanceOf(Date);
    expect(key.currentUntil, `${key.kid} retired`).to.be.instanceOf(Date);
  }
  for (const key of by('revoked')) expect(key.revokedAt).to.be.instanceOf(Date);
  const rotations = audit.filter((entry) => entry.event === 'key_rotated' || entry.event === 'key_rotated_and_revoked').length;
  expect(by('previous').length + by('revoked').length, 'retired keys = audited rotations').to.equal(rotations);
  const revocations = audit.filter((entry) => entry.event === 'key_revoked').length;
  expect(audit.filter((entry) => entry.event === 'keys_created'), 'one first key pair').to.have.length(1);
  // The metadata-signing key's creation and rotations move the keys counter too (metadata is re-signed).
  const metadataSignerChanges = audit.filter((entry) => entry.event.startsWith('metadata_signer_')).length;
  expect(versions.keys, 'one counter bump per committed change').to.equal(1 + rotations + revocations + metadataSignerChanges);
  return { rotations };
}

export interface SharedSchema {
  schema: string;
  /** Every process started for the suite; the `after` hook stops them all (add any started later). */
  running: ServeProcess[];
  /** An API client with KEY_SCOPES, added through the CLI of the first process. */
  credentials: Credentials;
}

/**
 * The `before`/`after` of a suite of `fedmeta serve` processes on one fresh PostgreSQL schema:
 * PostgreSQL reachable (or the suite skips, see requirePostgres) and dist/ built, `count` processes
 * started at once, and at the end every process stopped and the schema dropped.
 */
export function serveProcessesOnOneSchema(count: number): SharedSchema {
  const shared = { schema: freshSchema(), running: [] as ServeProcess[] } as SharedSchema;
  before(async function () {
    await requirePostgres(this);
    requireBuild();
    shared.running = await Promise.all(Array.from({ length: count }, () => startInstance(shared.schema)));
    shared.credentials = await addApiClientCli(shared.running[0]!.env);
  });
  after(async () => {
    await Promise.all(shared.running.map(stopInstance));
    if (!(await postgresProblem())) await dropSchema(shared.schema);
  });
  return shared;
}
