// Sign-in under load, for profiling (not part of `npm run bench`): a real `fedmeta serve` (dist/) on a
// fresh SQLite store with one user, one SAML application and a live session; wrk -t1 -c32 against
// IdP-initiated GET /samlp/:client_id with the session cookie (or the JWKS). Prints req/s; with
// --cpu-prof DIR the server writes a CPU profile there and the top self-time entries are printed.
//   npm run build && node --import tsx bench/signin-load.ts [--workers N] [--path signin|jwks] [--seconds 10] [--cpu-prof DIR] [--bin PATH]
// (--bin: another checkout's bin/fedmeta.js, e.g. main's for a before/after on the same store layout.)
// It also prints the same-run reference: RSA-2048 crypto.sign with a KeyObject on one thread.
import { spawn, execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { openServices } from '../src/services.js';
import { startSession } from '../src/sso/sessions.js';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '1' }, path: { type: 'string', default: 'signin' }, seconds: { type: 'string', default: '10' }, 'cpu-prof': { type: 'string' }, bin: { type: 'string', default: 'bin/fedmeta.js' } } });
const dir = mkdtempSync(join(tmpdir(), 'fedmeta-load-'));
const port = 20_000 + Math.floor(Math.random() * 20_000);
const env = {
  ...process.env,
  FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'fedmeta.db')}`,
  FEDMETA_KEK: Buffer.alloc(32, 7).toString('base64url'),
  HOST: '127.0.0.1',
  PORT: String(port),
  FEDMETA_ISSUER: `http://127.0.0.1:${port}`,
  FEDMETA_ENV_FILE: '/dev/null',
  FEDMETA_WORKERS: values.workers!,
  // As in npm run bench: the access log is not what is measured (and wrk runs synchronously below, so a
  // server logging every request to this process's pipe would block on the full pipe).
  FEDMETA_LOG_LEVEL: 'warn',
  FEDMETA_LOG_FILE: join(dir, 'fedmeta.log'), // stdout keeps the plain "listening" line
};

const services = await openServices({ config: loadConfig(env, dir) });
const actor = { type: 'system' as const, id: 'load' };
const user = await services.users.create({ email: 'load@example.com', password: 'correct horse battery' }, actor);
const app = await services.clients.create({ name: 'Load', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:load', idpInitiated: true } } }, actor);
const { cookieValue } = await startSession(services.store, services.ids, user, new Date());
await services.store.close();

const nodeArgs = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof']}`] : [];
const server = spawn(process.execPath, [...nodeArgs, values.bin!, 'serve'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve) => server.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('listening') && resolve()));

const url = values.path === 'jwks' ? `http://127.0.0.1:${port}/.well-known/jwks.json` : `http://127.0.0.1:${port}/samlp/${app.clientId}`;
const check = await fetch(url, { headers: { cookie: `fedmeta_session=${cookieValue}` } });
if (check.status !== 200 || (values.path !== 'jwks' && !(await check.text()).includes('SAMLResponse'))) throw new Error(`warm-up answered ${check.status}`);
const wrk = execFileSync('wrk', ['-t1', '-c32', `-d${values.seconds}s`, '--latency', '-H', `Cookie: fedmeta_session=${cookieValue}`, url]).toString();
const rate = /Requests\/sec:\s+([\d.]+)/.exec(wrk)?.[1];
const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(wrk)?.[1] ?? '0';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const data = Buffer.alloc(300, 1);
let signatures = 0;
const started = Date.now();
while (Date.now() - started < 2000) (sign('sha256', data, privateKey), (signatures += 1));
const rsa = signatures / 2;
console.log(`${values.path} workers=${values.workers}: ${rate} req/s (non-2xx ${non2xx}); RSA-2048 sign, one thread, same run: ${rsa} /s; ratio ${(Number(rate) / rsa).toFixed(2)}`);
console.log(wrk.split('\n').filter((line) => /Latency|50%|99%/.test(line)).join('\n'));

server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
rmSync(dir, { recursive: true, force: true });

if (values['cpu-prof']) {
  interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; }
  for (const file of readdirSync(values['cpu-prof']).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(values['cpu-prof'], file), 'utf8')) as { nodes: Node[]; samples: number[] };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map<string, number>();
    for (const id of profile.samples) {
      const frame = byId.get(id)!.callFrame;
      const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${frame.lineNumber + 1}`;
      self.set(name, (self.get(name) ?? 0) + 1);
    }
    const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15);
    console.log(`\n${file}: top self time (${profile.samples.length} samples)`);
    for (const [name, count] of top) console.log(`  ${((100 * count) / profile.samples.length).toFixed(1).padStart(5)} %  ${name}`);
  }
}
