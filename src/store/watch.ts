// One poller for every in-memory view of the store (key set, applications): each checks the
// store's change counters and reloads only when its own counter moved. Polling is the safety net
// for every backend; a CLI or another instance's change is served within one interval.
export interface Refreshable {
  refresh(): Promise<unknown>;
}

export function watchStore(targets: Refreshable[], intervalMs = 250): () => void {
  const timer = setInterval(() => {
    for (const target of targets) {
      target.refresh().catch((error: unknown) => {
        console.error(`fedmeta: refresh from the store failed: ${(error as Error).message}`);
      });
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
