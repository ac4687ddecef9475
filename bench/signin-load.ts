// One load row at a time, for profiling (not part of `npm run bench`): the bench's server process
// (bench/server-process.ts: a real `fedmeta serve` on a fresh store, a signed-in session, one SAML
// application), wrk -t1 -c32 against IdP-initiated GET /samlp/:client_id (or the JWKS), and the same-run
// RSA-2048 reference. With --cpu-prof DIR the server writes a CPU profile there and its top self-time
// entries are printed.
//   npm run build && node --import tsx bench/signin-load.ts [--workers N] [--path signin|jwks] [--seconds 10] [--cpu-prof DIR]
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchServer } from './server-process.js';
import { runWrk } from './wrk.js';
import { inProcessWork, opsPerSecond } from './in-process.js';

const { values } = parseArgs({ options: { workers: { type: 'string', default: '1' }, path: { type: 'string', default: 'signin' }, seconds: { type: 'string', default: '10' }, 'cpu-prof': { type: 'string' } } });
const profileDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;
if (profileDir) mkdirSync(profileDir, { recursive: true });

const server = await startBenchServer(values.workers, undefined, profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
const jwks = values.path === 'jwks';
const load = await runWrk({ url: jwks ? `${server.url}/.well-known/jwks.json` : `${server.url}/samlp/${server.clientId}`, seconds: Number(values.seconds), headers: jwks ? {} : { Cookie: server.cookie } });
await server.stop();
const rsa = await opsPerSecond((await inProcessWork()).rsa, 2);
console.log(`${values.path} workers=${values.workers}: ${load.requestsPerSecond.toFixed(0)} req/s (failures ${load.failures}); RSA-2048 sign, one thread, same run: ${rsa.toFixed(0)} /s; ratio ${(load.requestsPerSecond / rsa).toFixed(2)}`);
console.log(`latency p50 ${load.p50Ms.toFixed(2)} ms, p99 ${load.p99Ms.toFixed(2)} ms`);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
for (const file of profileDir ? readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile')) : []) {
  const profile = JSON.parse(readFileSync(join(profileDir!, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)!.callFrame;
    const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|dist|src)\//, '$1/')}:${frame.lineNumber + 1}`;
    self.set(name, (self.get(name) ?? 0) + 1);
  }
  console.log(`\n${file}: top self time (${profile.samples.length} samples)`);
  for (const [name, count] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${((100 * count) / profile.samples.length).toFixed(1).padStart(5)} %  ${name}`);
}
