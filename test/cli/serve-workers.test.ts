// FEDMETA_WORKERS=2: `fedmeta serve` runs two worker processes on one port (src/worker-pool.ts). Each
// request below opens a new connection, which the primary hands to the workers in turn, so a run of
// them reaches every worker.
import { expect } from 'chai';
import { once } from 'node:events';
import { readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { serveProcess, stopServeProcess } from '../helpers/cli.js';
import { freePort, tempDir, testEnv } from '../helpers/server.js';
import { dropSchema, schemaForDir, testBackend } from '../helpers/postgres.js';
import { until } from '../helpers/wait.js';
import { skipBecause } from '../helpers/optional.js';
import { flood, keysToken, prepareSignIns, answeredAtLeast, storedSignIns } from '../helpers/sign-in-flood.js';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus.js';

/** GET on a connection of its own: status and body (an error if unanswered for 15 s: a hang, not a speed bound). */
function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false, headers: { connection: 'close' }, signal: AbortSignal.timeout(15_000) }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    }).on('error', reject);
  });
}

const workerPids = (primary: number) =>
  readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('FEDMETA_WORKERS: several server processes on one port', function () {
  this.timeout(120_000);
  let dir: string;
  after(async () => {
    if (testBackend() === 'postgres') await dropSchema(schemaForDir(dir));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a rotation reaches every worker, a killed worker is replaced while the port keeps answering, SIGTERM stops them all and keeps every sign-in', async function () {
    if (process.platform !== 'linux') skipBecause(this, `the worker pids are read from /proc, which ${process.platform} does not have`);
    dir = tempDir();
    const port = await freePort();
    const env = testEnv(dir, { PORT: String(port), FEDMETA_ISSUER: `http://127.0.0.1:${port}`, FEDMETA_WORKERS: '2', FEDMETA_SIGNIN_COMMIT_MS: '1000', FEDMETA_ROTATION_RATE_BURST: '10', FEDMETA_LOG_FILE: join(dir, 'fedmeta.log') });
    const log = () => readFileSync(join(dir, 'fedmeta.log'), 'utf8');
    const fixture = await prepareSignIns(env, dir);
    const { url, child, output } = await serveProcess(env);
    // A worker's own line may come first; the primary's comes once both listen.
    await until(() => /listening on \S+ .*2 workers/.test(output()), 20_000, 'the primary announces both workers');
    const primary = child.pid!;
    const first = workerPids(primary);
    expect(first).to.have.length(2);

    const token = await keysToken(url, env, env.FEDMETA_ISSUER!);
    const rotated = await fetch(`${url}/api/v2/keys/signing/rotate?force=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(rotated.status).to.equal(201);
    const listed = (await (await fetch(`${url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ kid: string; revoked: boolean }>;
    const published = listed.filter((key) => !key.revoked).map((key) => key.kid).sort();
    const jwksKids = async () => ((JSON.parse((await getFresh(`${url}/.well-known/jwks.json`)).body) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid).sort());
    // The usual propagation: within a poll interval (250 ms) of the store watch in each worker.
    await until(async () => {
      const seen = await Promise.all(Array.from({ length: 20 }, jwksKids));
      return seen.every((kids) => JSON.stringify(kids) === JSON.stringify(published));
    }, 5_000, 'every worker serves the rotated key set');

    const flooding = flood(url, fixture, 8);
    await answeredAtLeast(flooding, 20);
    process.kill(first[0]!, 'SIGKILL');
    await until(() => log().includes(`worker ${first[0]} died`), 10_000, 'the primary logs the death');
    const during = await Promise.all(Array.from({ length: 20 }, () => getFresh(`${url}/.well-known/jwks.json`)));
    expect(during.map((answer) => answer.status)).to.deep.equal(Array(20).fill(200));
    await until(() => workerPids(primary).length === 2 && !workerPids(primary).includes(first[0]!), 20_000, 'a new worker replaces the killed one');
    await until(async () => (await getFresh(`${url}/.well-known/jwks.json`)).status === 200, 5_000, 'still answering');
    const answeredBefore = flooding.answered.length;
    await answeredAtLeast(flooding, answeredBefore + 20);
    await flooding.stop();

    const workers = workerPids(primary);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).to.equal(0);
    expect(workers.filter(alive), 'every worker stopped').to.deep.equal([]);
    // Sign-ins answered by the killed worker within its last commit window may be lost; none answered after.
    const stored = await storedSignIns(env, dir, fixture);
    const afterKill = flooding.answered.slice(answeredBefore);
    expect(afterKill.filter((answer) => !stored.sessionIndexes.has(answer.sessionIndex)), 'sign-ins answered by the running workers, committed at SIGTERM').to.deep.equal([]);
  });
  it('with FEDMETA_METRICS_PORT the primary serves /metrics: every worker\'s counters summed, the key gauges once; the public port has no /metrics', async function () {
    const metricsDir = tempDir();
    const port = await freePort();
    const metricsPort = await freePort();
    const env = testEnv(metricsDir, { PORT: String(port), FEDMETA_ISSUER: `http://127.0.0.1:${port}`, FEDMETA_WORKERS: '2', FEDMETA_METRICS_PORT: String(metricsPort) });
    const running = await serveProcess(env);
    try {
      await until(() => /listening on \S+ .*2 workers/.test(running.output()), 20_000, 'the primary announces both workers');
      const answers = await Promise.all(Array.from({ length: 24 }, () => getFresh(`${running.url}/no/such/path`)));
      expect(answers.map((answer) => answer.status)).to.deep.equal(Array(24).fill(404));
      expect((await getFresh(`${running.url}/metrics`)).status, '/metrics on the public port').to.equal(404);
      const scrape = async () => {
        const answer = await getFresh(`http://127.0.0.1:${metricsPort}/metrics`);
        expect(answer.status).to.equal(200);
        return parsePrometheusText(answer.body);
      };
      // Each connection went to one worker or the other; a scrape sees them all, whichever way.
      for (let i = 0; i < 3; i++) {
        const families = await scrape();
        expect(sampleValue(families, 'fedmeta_http_requests_total', { route: 'unmatched', method: 'GET', status: '404' }), `scrape ${i}`).to.equal(25);
        expect(families.get('fedmeta_key_set_version')!.samples, 'one key-set version, not one per worker').to.have.length(1);
        expect(families.get('fedmeta_signing_key_age_seconds')!.samples.map((sample) => sample.labels.state).sort()).to.deep.equal(['current', 'next']);
      }
    } finally {
      if (testBackend() === 'postgres') await dropSchema(schemaForDir(metricsDir));
      await stopServeProcess(running, metricsDir);
    }
  });
});
