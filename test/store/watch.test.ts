// watchStore: polling as the safety net, push notices refresh the views that depend on the topic
// at once (twice, to get past a reload already in flight), failures logged once per outage.
import { expect } from 'chai';
import { watchStore } from '../../src/store/watch.js';
import type { ChangeTopic } from '../../src/store/store.js';

function fakeStore() {
  let push: ((topics: ChangeTopic[]) => void) | undefined;
  let closed = 0;
  return {
    subscribe(onChange: (topics: ChangeTopic[]) => void) {
      push = onChange;
      return { listening: true, close: async () => void (closed += 1) };
    },
    push: (topics: ChangeTopic[]) => push!(topics),
    closed: () => closed,
  };
}

function counter(fail: () => boolean = () => false) {
  const target = {
    calls: 0,
    async refresh() {
      target.calls += 1;
      if (fail()) throw new Error('database down');
    },
  };
  return target;
}

describe('store/watch: push notices and polling', () => {
  it('a notice refreshes only the views of its topic, at once and twice; settled() waits for it', async () => {
    const store = fakeStore();
    const keys = counter();
    const clients = counter();
    const watch = watchStore([{ target: keys, topics: ['keys'] }, { target: clients, topics: ['clients'] }], 60_000, store, () => {});
    expect(watch.pushing).to.equal(true);
    store.push(['keys']);
    await watch.settled();
    expect(keys.calls).to.equal(2);
    expect(clients.calls).to.equal(0);
    store.push(['keys', 'clients']);
    await watch.settled();
    expect([keys.calls, clients.calls]).to.deep.equal([4, 2]);
    await watch.stop();
    expect(store.closed()).to.equal(1);
  });

  it('polls every view without a push channel (SQLite, or notifications down)', async () => {
    const plain = counter();
    const watch = watchStore([plain], 20, undefined, () => {});
    expect(watch.pushing).to.equal(false);
    await new Promise((resolve) => setTimeout(resolve, 110));
    await watch.stop();
    expect(plain.calls).to.be.within(2, 8);
    const after = plain.calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(plain.calls, 'stopped').to.equal(after);
  });

  it('logs an outage once and the recovery once, however many polls fail', async () => {
    let down = true;
    const lines: string[] = [];
    const target = counter(() => down);
    const watch = watchStore([target], 10, undefined, (line) => lines.push(line));
    await new Promise((resolve) => setTimeout(resolve, 150));
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await watch.stop();
    expect(target.calls).to.be.at.least(3);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/refresh from the store failed \(database down\); serving the last loaded state/);
    expect(lines[1]).to.match(/works again/);
  });
});
