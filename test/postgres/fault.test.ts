// Crash faults on PostgreSQL (run `npm run build` first): an instance, or CLI processes, killed
// with SIGKILL in the middle of rotations. Afterwards the key set is whole (one current, one next,
// every retired key with its dates and its audit entry), the survivor serves it, nothing stays
// locked, and a restarted instance finds the same keys.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { BIN } from '../helpers/cli.js';
import { withAdmin } from '../helpers/postgres.js';
import {
  expectWholeKeySet,
  jwks,
  readStore,
  serveProcessesOnOneSchema,
  startInstance,
  tokenFrom,
  until,
  type ServeProcess,
} from '../helpers/serve-processes.js';

describe('PostgreSQL: SIGKILL in the middle of rotations', function () {
  this.timeout(120_000);
  const shared = serveProcessesOnOneSchema(2);
  const { schema } = shared;
  let survivor: ServeProcess;
  let victim: ServeProcess | undefined;
  let token: string;

  before(async () => {
    [survivor, victim] = shared.running as [ServeProcess, ServeProcess];
    token = await tokenFrom(survivor.url, shared.credentials);
  });

  const rotate = (instance: ServeProcess) =>
    fetch(`${instance.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

  async function expectSurvivorServesStore(): Promise<void> {
    const state = await readStore(schema);
    expectWholeKeySet(state);
    const published = state.keys.filter((key) => key.state !== 'revoked');
    const current = published.find((key) => key.state === 'current')!.kid;
    await until(async () => (await jwks(survivor.url)).kids[0] === current, 1000, 'the survivor serves the stored key set');
    expect((await jwks(survivor.url)).kids.sort()).to.deep.equal(published.map((key) => key.kid).sort());
  }

  it('an instance killed while 12 rotations are in flight leaves a whole key set; the survivor serves it and rotates on', async () => {
    const target = victim!;
    const before = expectWholeKeySet(await readStore(schema)).rotations;
    const inFlight = Array.from({ length: 12 }, () => rotate(target).then((response) => response.status, () => 'killed' as const));
    // Kill as soon as one rotation has been answered, while the others are generating keys, waiting
    // for the key-set lock or inside their transaction.
    await Promise.any(inFlight.map((outcome) => outcome.then((status) => (status === 201 ? status : Promise.reject(new Error(String(status)))))));
    target.child.kill('SIGKILL');
    await once(target.child, 'exit');
    victim = undefined;
    const outcomes = await Promise.all(inFlight);
    const answered = outcomes.filter((outcome) => outcome === 201).length;
    const rotations = expectWholeKeySet(await readStore(schema)).rotations - before;
    console.log(`      (${answered} rotations answered before SIGKILL, ${rotations} committed, ${outcomes.filter((o) => o === 'killed').length} requests cut off)`);
    expect(rotations, 'every answered rotation is committed').to.be.at.least(answered);
    expect(answered, 'killed after the first answer').to.be.at.least(1);
    expect(outcomes.filter((o) => o === 'killed').length, 'killed in the middle, with rotations still in flight').to.be.at.least(1);
    expect(rotations).to.be.at.most(12);
    await expectSurvivorServesStore();

    // Nothing is left locked: the key set's row can be locked at once (NOWAIT fails on a held lock),
    // and the survivor rotates.
    await withAdmin(async (client) => {
      await client.query('BEGIN');
      await client.query(`SELECT version FROM ${pg.escapeIdentifier(schema)}.change_counters WHERE name = 'keys' FOR UPDATE NOWAIT`);
      await client.query('ROLLBACK');
    });
    expect((await rotate(survivor)).status).to.equal(201);
    await expectSurvivorServesStore();

    // A restarted instance finds the same key set.
    const restarted = await startInstance(schema);
    shared.running.push(restarted);
    expect((await jwks(restarted.url)).body).to.equal((await jwks(survivor.url)).body);
  });

  it('CLI rotations killed at random points (while generating, inside the transaction, after commit) never leave half a key set', async () => {
    const before = expectWholeKeySet(await readStore(schema)).rotations;
    const runs = Array.from({ length: 8 }, (_, i) => {
      const child = spawn(process.execPath, [BIN, 'keys', 'rotate'], { env: { PATH: process.env.PATH ?? '', ...survivor.env }, stdio: 'ignore' });
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      setTimeout(() => child.kill('SIGKILL'), 300 + i * 700).unref();
      return exited;
    });
    const exits = await Promise.all(runs);
    const completed = exits.filter(([code]) => code === 0).length;
    const killed = exits.filter(([, signal]) => signal === 'SIGKILL').length;
    const rotations = expectWholeKeySet(await readStore(schema)).rotations - before;
    console.log(`      (${completed} CLI rotations finished, ${killed} killed, ${rotations} committed)`);
    expect(completed + killed, 'every run either finished or was killed').to.equal(8);
    expect(killed, 'at least the run killed after 300 ms died mid-way').to.be.at.least(1);
    expect(rotations).to.be.at.least(completed).and.at.most(8);
    await expectSurvivorServesStore();
    expect((await rotate(survivor)).status).to.equal(201);
  });
});
