// One watcher for every in-memory view of the store (key set, applications): each checks the
// store's change counters and reloads only when its own counter moved. When the store can push
// changes (PostgreSQL LISTEN/NOTIFY), a notice refreshes the views at once; polling stays the
// safety net for every backend, so a CLI or another instance's change is served within one interval
// even while notifications are down.
import type { ChangeSubscription, ChangeTopic, Store } from './store.js';

export interface Refreshable {
  refresh(): Promise<unknown>;
}

/** A view and the change topics it depends on (every topic when `topics` is absent). */
export interface WatchTarget {
  target: Refreshable;
  topics?: ChangeTopic[];
}

export interface StoreWatch {
  /** Resolves after every view has caught up with a push notice (tests, diagnostics). */
  settled(): Promise<void>;
  /** true while push notifications are connected (always false for a store without push). */
  readonly pushing: boolean;
  stop(): Promise<void>;
}

type Log = (line: string) => void;

function failureLog(log: Log) {
  let failing = false;
  return {
    failed(error: unknown) {
      if (failing) return;
      failing = true;
      log(`fedmeta: refresh from the store failed (${(error as Error).message}); serving the last loaded state and retrying`);
    },
    succeeded() {
      if (!failing) return;
      failing = false;
      log('fedmeta: refresh from the store works again');
    },
  };
}

/**
 * Poll every `intervalMs`; with `store.subscribe`, also refresh at once on every push notice.
 * A notice refreshes twice: a reload already in flight (started before the commit) may have read
 * the old counter, and the views share one in-flight reload between callers.
 */
export function watchStore(
  targets: Array<Refreshable | WatchTarget>,
  intervalMs = 250,
  store?: Pick<Store, 'subscribe'>,
  log: Log = (line) => console.error(line),
): StoreWatch {
  const watched: WatchTarget[] = targets.map((entry) => ('target' in entry ? entry : { target: entry }));
  const health = failureLog(log);
  let inFlight = Promise.resolve();

  const refreshAll = (which: WatchTarget[]) =>
    Promise.all(which.map(({ target }) => target.refresh())).then(
      () => health.succeeded(),
      (error: unknown) => health.failed(error),
    );

  const timer = setInterval(() => void refreshAll(watched), intervalMs);
  timer.unref();

  let subscription: (ChangeSubscription & { listening?: boolean }) | undefined;
  if (store?.subscribe) {
    subscription = store.subscribe((topics) => {
      const which = watched.filter(({ topics: wanted }) => !wanted || wanted.some((topic) => topics.includes(topic)));
      if (which.length === 0) return;
      const run = refreshAll(which).then(() => refreshAll(which));
      inFlight = Promise.all([inFlight, run]).then(() => {});
    }, log);
  }

  return {
    settled: () => inFlight,
    get pushing() {
      return subscription?.listening === true;
    },
    async stop() {
      clearInterval(timer);
      await subscription?.close();
    },
  };
}
