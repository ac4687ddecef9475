// fedmeta as it runs in production: `node bin/fedmeta.js serve` (dist/) as a child process on a
// fresh SQLite store, with one user signed in (a session cookie) and one SAML application, so that
// wrk can drive sign-ins. FEDMETA_WORKERS and NODE_OPTIONS are passed through when --workers and
// --node-options are given.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { freePort, tempDir, testEnv } from '../test/helpers/server.js';
import { BIN, runCli, serveProcess } from '../test/helpers/cli.js';
import { Browser, readForm } from '../test/helpers/browser.js';

export const ACS = 'https://sp.example.com/acs';
export const AUDIENCE = 'https://sp.example.com/metadata';
const USER = 'bench@example.com';
const PASSWORD = 'correct horse battery staple';

export interface BenchServer {
  url: string;
  clientId: string;
  /** The session cookie of the signed-in user ("fedmeta_session=…"). */
  cookie: string;
  /** Resident memory of the server (and its worker processes), in MB. */
  rssMegabytes(): number;
  stop(): Promise<void>;
}

async function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<string> {
  const result = await runCli(args, env, stdin);
  if (result.code !== 0) throw new Error(`fedmeta ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.toString();
}

/** VmRSS of `pid` and of every descendant (cluster workers), from /proc. */
function residentKilobytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const own = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
  let children: number[] = [];
  try {
    children = readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    children = [];
  }
  return own + children.reduce((sum, child) => sum + residentKilobytes(child), 0);
}

async function signIn(url: string): Promise<string> {
  const browser = new Browser();
  const form = await browser.request(`${url}/login`);
  const done = await browser.request(`${url}/login`, { form: { ...readForm(form.body, form.url).fields, username: USER, password: PASSWORD } });
  if (done.status !== 303 || !browser.cookies.has('fedmeta_session')) throw new Error(`sign-in failed: ${done.status}`);
  return `fedmeta_session=${browser.cookies.get('fedmeta_session')}`;
}

/** `nodeArgs`: flags for the server's node process itself (e.g. --cpu-prof, which NODE_OPTIONS does not take). */
export async function startBenchServer(workers: string | undefined, nodeOptions?: string, nodeArgs: string[] = []): Promise<BenchServer> {
  const dir = tempDir('fedmeta-bench-');
  const port = await freePort();
  // No log line per request (warnings only, to a file; the listening line still on stdout), as nginx
  // runs with access_log off: both sides measure serving, not logging.
  const logs = { FEDMETA_LOG_LEVEL: 'warn', FEDMETA_LOG_FILE: `${dir}/fedmeta.log` };
  const env = testEnv(dir, { PORT: String(port), FEDMETA_ISSUER: `http://127.0.0.1:${port}`, FEDMETA_DATABASE_URL: `sqlite:${dir}/fedmeta.db`, ...logs, ...(workers ? { FEDMETA_WORKERS: workers } : {}), ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) });
  await cli(['migrate'], env);
  await cli(['users', 'add', USER, '--name', 'Bench'], env, `${PASSWORD}\n`);
  const app = JSON.parse(await cli(['clients', 'add-saml', '--name', 'Bench SP', '--audience', AUDIENCE, '--callback', ACS, '--json'], env)) as { client_id: string };
  const { url, child } = await serveProcess(env, [process.execPath, ...nodeArgs, BIN, 'serve']);
  const server = child as ChildProcess & { pid: number };
  return {
    url,
    clientId: app.client_id,
    cookie: await signIn(url),
    rssMegabytes: () => residentKilobytes(server.pid) / 1024,
    stop: async () => {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
