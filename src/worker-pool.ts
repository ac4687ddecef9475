// FEDMETA_WORKERS=N: the primary process runs N `fedmeta serve` workers on one port with node:cluster
// (the primary accepts connections and hands them to the workers in turn). Each worker is a whole
// server: its own store connection, store watch (key changes reach every worker as they reach every
// instance) and background jobs, each of which is safe in several processes (the rotation scheduler
// re-checks inside the key-change transaction, certificate renewal is idempotent there and its daily
// warning is a shared rate-limit bucket, log streams are leased, the expiry purge and sightings are
// idempotent). A worker that dies after it listened is replaced; one that dies before ever listening
// stops the pool (a start-up failure would only repeat). stop() sends SIGTERM to every worker and
// waits: each commits its queued sign-ins and closes its store.
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';

export interface WorkerPool {
  /** Resolves with the port once every worker listens; rejects if a worker dies before it listened. */
  listening: Promise<number>;
  /** Resolves when the pool gave up (a worker failed to start); the reason is logged. */
  failed: Promise<void>;
  /** The workers' process ids (tests, diagnostics). */
  pids(): number[];
  stop(): Promise<void>;
}

export function startWorkerPool(count: number, log: (line: string) => void): WorkerPool {
  const listened = new Set<Worker>();
  let stopping = false;
  let port = 0;
  let ready: (port: number) => void;
  let fail: (error: Error) => void;
  let failedResolve: () => void;
  const listening = new Promise<number>((resolve, reject) => ((ready = resolve), (fail = reject)));
  const failed = new Promise<void>((resolve) => (failedResolve = resolve));

  const fork = () => cluster.fork();

  cluster.on('listening', (worker, address: AddressInfo | { port: number }) => {
    listened.add(worker);
    port = address.port;
    if (listened.size === count) ready(port);
  });

  cluster.on('exit', (worker, code, signal) => {
    const wasListening = listened.delete(worker);
    if (stopping) return;
    if (!wasListening) {
      log(`fedmeta: worker ${worker.process.pid} stopped before it listened (${signal ?? `exit code ${code}`}); stopping`);
      fail(new Error('a worker failed to start'));
      void stop().then(failedResolve);
      return;
    }
    log(`fedmeta: worker ${worker.process.pid} died (${signal ?? `exit code ${code}`}); starting another`);
    fork();
  });

  const workers = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);

  async function stop(): Promise<void> {
    stopping = true;
    await Promise.all(
      workers().map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  }

  for (let i = 0; i < count; i += 1) fork();
  listening.catch(() => undefined);
  return { listening, failed, pids: () => workers().map((worker) => worker.process.pid!), stop };
}
