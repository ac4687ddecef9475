// Start the real server (createApp + node:http) on an ephemeral loopback port, on a fresh store:
// SQLite in a temporary directory, or with FEDMETA_TEST_DATABASE=postgres a PostgreSQL schema of
// its own (named after the directory, so a restart on the same dir finds the same store).
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/http/server.js';
import type { Clock } from '../../src/clock.js';
import { runCommand } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import { dropSchema, postgresUrl, schemaForDir, testBackend } from './postgres.js';
import { notTheManagementApi } from './openapi-surface.js';
import type { Logger } from '../../src/observability/logger.js';
import { createLogger } from '../../src/observability/pino-logger.js';
import { rememberSecret, teeLogger } from './logs.js';

export { testBackend } from './postgres.js';

export const TEST_KEK = Buffer.alloc(32, 7).toString('base64url');
rememberSecret('KEK', TEST_KEK);

/** FEDMETA_LOG_FILE when the suite's log is captured (suite-log-hooks.ts): every server and child process writes there. */
export const suiteLogEnv = (): Record<string, string> => (process.env.FEDMETA_LOG_FILE ? { FEDMETA_LOG_FILE: process.env.FEDMETA_LOG_FILE } : {});

/** One pino logger per log file for all the in-process servers (one open file, not one per server). */
const fileLoggers = new Map<string, Logger>();

function serverLogger(config: Config, given: Logger | undefined): Logger | undefined {
  const file = config.logs.file;
  if (!file) return given;
  const toFile = fileLoggers.get(file) ?? createLogger(config.logs);
  fileLoggers.set(file, toFile);
  return given ? teeLogger(given, toFile) : toFile;
}

export interface TestServer extends RunningServer {
  dir: string;
  config: Config;
  env: Record<string, string>;
  /** Close and delete the temporary directory. */
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'fedmeta-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** The store URL of a test directory for the selected backend (see testBackend()). */
export function testDatabaseUrl(dir: string): string {
  return testBackend() === 'postgres' ? postgresUrl(schemaForDir(dir)) : `sqlite:${join(dir, 'fedmeta.db')}`;
}

export function testEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FEDMETA_DATABASE_URL: testDatabaseUrl(dir),
    FEDMETA_KEK: TEST_KEK,
    PORT: '0',
    HOST: '127.0.0.1',
    FEDMETA_ENV_FILE: '/dev/null',
    ...suiteLogEnv(),
    ...extra,
  };
}

/** A free loopback port, so the issuer URL (and every URL in metadata) can name the real address. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export async function startTestServer(
  options: { env?: Record<string, string>; dir?: string; clock?: Clock; pollMs?: number; logger?: Logger } = {},
): Promise<TestServer> {
  const dir = options.dir ?? tempDir();
  const port = await freePort();
  const env = testEnv(dir, { PORT: String(port), FEDMETA_ISSUER: `http://127.0.0.1:${port}`, ...options.env });
  const config = loadConfig(env, dir);
  const logger = serverLogger(config, options.logger);
  const running = await startServer(config, { ...(options.clock ? { clock: options.clock } : {}), ...(options.pollMs ? { pollMs: options.pollMs } : {}), ...(logger ? { logger } : {}) });
  // The metrics listener is not the Management API, whatever path a test asks it for.
  if (running.metrics) notTheManagementApi(running.metrics.url);
  return {
    ...running,
    dir,
    config,
    env,
    async destroy() {
      await running.close();
      if (config.database.kind === 'postgres' && env.FEDMETA_DATABASE_URL === testDatabaseUrl(dir)) await dropSchema(schemaForDir(dir));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function captureIo(stdin = ''): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text.toString()),
    err: (text) => void (err += text),
    readStdin: async () => stdin,
    stdout: () => out,
    stderr: () => err,
  };
}

export interface ApiCredentials {
  client_id: string;
  client_secret: string;
}

/** Create a Management API client through the CLI command's own code path. */
export async function addApiClient(server: RunningServer, scopes: string): Promise<ApiCredentials> {
  const io = captureIo();
  await runCommand(['api-clients', 'add', '--name', 'test', '--scopes', scopes, '--json'], server.services, io);
  const credentials = JSON.parse(io.stdout()) as ApiCredentials;
  rememberSecret('client secret', credentials.client_secret);
  return credentials;
}

export const ALL_KEY_SCOPES = 'read:signing_keys create:signing_keys update:signing_keys read:logs';

export async function getToken(server: TestServer, credentials: ApiCredentials): Promise<string> {
  const response = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${server.config.issuer}/api/v2/` }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  const token = ((await response.json()) as { access_token: string }).access_token;
  rememberSecret('access token', token);
  return token;
}

/** A server plus a token holding every signing-key scope. */
export async function startWithToken(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer(options);
  const credentials = await addApiClient(server, ALL_KEY_SCOPES);
  const token = await getToken(server, credentials);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) } });
  return { server, credentials, token, api };
}

export type ManagementCall = (path: string, init?: { method?: string; json?: unknown }) => Promise<Response>;

/**
 * A Management API client with `scopes`: JSON in, Response out. Revoking the key that signed its access
 * token ends the token, so on a 401 it takes a new one and retries once.
 */
export async function managementClient(server: TestServer, scopes: string): Promise<ManagementCall> {
  const credentials = await addApiClient(server, scopes);
  let token = await getToken(server, credentials);
  const call: ManagementCall = (path, init = {}) =>
    fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
  return async (path, init) => {
    const response = await call(path, init);
    if (response.status !== 401) return response;
    token = await getToken(server, credentials);
    return call(path, init);
  };
}
