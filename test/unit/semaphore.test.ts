// The bound on scrypt work in flight at /oauth/token (src/limits/semaphore.ts): at most
// `concurrency` tasks run, at most `queue` wait, and the next caller is refused at once.
import { expect } from 'chai';
import { Semaphore, SemaphoreFull } from '../../src/limits/semaphore.js';

/** A task that runs until the test releases it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const state = { started: false, done: false };
  const task = async () => {
    state.started = true;
    await opened;
    state.done = true;
    return 'ok';
  };
  return { task, open, state };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('Semaphore (bounded scrypt work at /oauth/token)', () => {
  it('runs at most 4 at once, queues at most 2, refuses the next at once with SemaphoreFull, and hands slots over in order', async () => {
    const semaphore = new Semaphore(4, 2);
    const gates = Array.from({ length: 6 }, gate);
    const runs = gates.map((g) => semaphore.run(g.task));
    await settle();
    expect(gates.map((g) => g.state.started)).to.deep.equal([true, true, true, true, false, false]);
    expect(semaphore.load).to.deep.equal({ active: 4, waiting: 2 });

    let refused: unknown;
    await semaphore.run(async () => 'never').catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(SemaphoreFull);
    expect(semaphore.load, 'a refusal takes no slot').to.deep.equal({ active: 4, waiting: 2 });

    gates[1]!.open();
    await runs[1];
    await settle();
    expect(gates[4]!.state.started, 'the first waiter got the freed slot').to.equal(true);
    expect(gates[5]!.state.started).to.equal(false);
    expect(semaphore.load).to.deep.equal({ active: 4, waiting: 1 });

    for (const g of gates) g.open();
    expect(await Promise.all(runs)).to.deep.equal(Array(6).fill('ok'));
    expect(semaphore.load).to.deep.equal({ active: 0, waiting: 0 });
  });

  it('releases the slot when a task fails', async () => {
    const semaphore = new Semaphore(1, 0);
    let failure: unknown;
    await semaphore.run(async () => Promise.reject(new Error('boom'))).catch((error: unknown) => (failure = error));
    expect((failure as Error).message).to.equal('boom');
    expect(semaphore.load).to.deep.equal({ active: 0, waiting: 0 });
    expect(await semaphore.run(async () => 42)).to.equal(42);
  });
});
