// The sign-in group commit (src/store/group-commit.ts) against a real `fedmeta serve` under a flood of
// IdP-initiated sign-ins: key changes are on disk when they answer, a crash (SIGKILL) loses at most the
// last commit window of sign-in records and never damages the store, and SIGTERM commits every one.
import { expect } from 'chai';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { serveProcess } from '../helpers/cli.js';
import { freePort, tempDir, testEnv } from '../helpers/server.js';
import { dropSchema, schemaForDir, testBackend } from '../helpers/postgres.js';
import { answeredAtLeast, flood, keysToken, prepareSignIns, signInOnce, storedSignIns } from '../helpers/sign-in-flood.js';

/** The longest FEDMETA_SIGNIN_COMMIT_MS: the widest loss window, so that the tests see queued rows. */
const COMMIT_MS = 1000;
/** Scheduling slack on a loaded machine between an answer arriving and its commit timer firing. */
const SLACK_MS = 2000;

describe('sign-in group commit: durability of a running `fedmeta serve`', function () {
  this.timeout(120_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) {
      if (testBackend() === 'postgres') await dropSchema(schemaForDir(dir));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  async function start(extra: Record<string, string> = {}) {
    const dir = tempDir();
    dirs.push(dir);
    const port = await freePort();
    const env = testEnv(dir, { PORT: String(port), FEDMETA_ISSUER: `http://127.0.0.1:${port}`, FEDMETA_SIGNIN_COMMIT_MS: String(COMMIT_MS), ...extra });
    const fixture = await prepareSignIns(env, dir);
    const server = await serveProcess(env);
    return { dir, env, fixture, ...server };
  }

  const kill = async (child: import('node:child_process').ChildProcess, signal: NodeJS.Signals) => {
    const exited = once(child, 'exit');
    child.kill(signal);
    return (await exited) as [number | null, NodeJS.Signals | null];
  };

  it('a key change answered during a sign-in flood is in the store when the process is killed right after', async () => {
    const { dir, env, fixture, url, child } = await start({ FEDMETA_ROTATION_RATE_BURST: '10' });
    const token = await keysToken(url, env, env.FEDMETA_ISSUER!);
    const flooding = flood(url, fixture);
    await answeredAtLeast(flooding, 50);
    const rotated = await fetch(`${url}/api/v2/keys/signing/rotate?force=true`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(rotated.status).to.equal(201);
    const { kid } = (await rotated.json()) as { kid: string };
    await kill(child, 'SIGKILL');
    await flooding.stop();
    const stored = await storedSignIns(env, dir, fixture);
    expect(stored.integrity).to.equal('ok');
    expect(stored.keys.find((key) => key.state === 'current')?.kid, 'the rotation answered is committed').to.equal(kid);
  });

  it('SIGKILL loses only sign-ins answered within the last commit window, each whole (participant and audit entry), and the store opens and serves again', async () => {
    const { dir, env, fixture, url, child } = await start();
    const flooding = flood(url, fixture);
    await answeredAtLeast(flooding, 300);
    const killedAt = Date.now();
    await kill(child, 'SIGKILL');
    await flooding.stop();
    const stored = await storedSignIns(env, dir, fixture);
    expect(stored.integrity).to.equal('ok');
    expect(stored.signInAudits, 'every stored sign-in has both its participant and its audit entry').to.equal(stored.sessionIndexes.size);
    const lost = flooding.answered.filter((answer) => !stored.sessionIndexes.has(answer.sessionIndex));
    console.log(`      (${flooding.answered.length} sign-ins answered, ${lost.length} lost with the process)`);
    for (const answer of lost) expect(answer.at, 'lost sign-ins are from the last window only').to.be.greaterThan(killedAt - COMMIT_MS - SLACK_MS);
    const again = await serveProcess(env);
    try {
      expect(await signInOnce(again.url, fixture)).to.match(/^_/);
    } finally {
      await kill(again.child, 'SIGTERM');
    }
  });

  it('SIGTERM commits every queued sign-in before the process exits', async () => {
    const { dir, env, fixture, url, child } = await start();
    const flooding = flood(url, fixture);
    await answeredAtLeast(flooding, 100);
    await flooding.stop();
    const [code] = await kill(child, 'SIGTERM');
    expect(code).to.equal(0);
    const stored = await storedSignIns(env, dir, fixture);
    expect(stored.integrity).to.equal('ok');
    expect([...stored.sessionIndexes].sort()).to.deep.equal(flooding.answered.map((answer) => answer.sessionIndex).sort());
    expect(stored.signInAudits).to.equal(flooding.answered.length);
  });
});
