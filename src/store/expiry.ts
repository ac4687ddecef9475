// Expired rows (sessions, login states, request IDs, idle rate-limit buckets) are invisible to
// every read and deleted here, on a timer the server starts, never as a side effect of a read.
import { fullAfterMs, type BucketPolicy } from '../limits/token-bucket.js';
import { DEFAULT_IDLE_BUCKET_MS, type PurgeOptions, type StoreMaintenance } from './store.js';

/** Buckets last touched at or before this instant are full again and can go. */
export function idleBucketCutoff(now: Date, options: PurgeOptions = {}): Date {
  return new Date(now.getTime() - (options.idleBucketMs ?? DEFAULT_IDLE_BUCKET_MS));
}

/** The idle time after which every bucket of these policies is full again (at least the default). */
export function idleBucketMsFor(policies: BucketPolicy[]): number {
  return Math.max(DEFAULT_IDLE_BUCKET_MS, ...policies.map(fullAfterMs));
}

/** How often a server deletes expired rows. */
export const DEFAULT_PURGE_INTERVAL_MS = 10 * 60_000;

export interface ExpiryPurge {
  stop(): void;
}

export interface ExpiryPurgeOptions {
  store: Pick<StoreMaintenance, 'purgeExpired'>;
  now: () => Date;
  intervalMs: number;
  purge?: PurgeOptions;
  log?: (line: string) => void;
}

/** Run store.purgeExpired every intervalMs (unref'd: it never keeps the process alive). */
export function startExpiryPurge({ store, now, intervalMs, purge, log = (line) => console.error(line) }: ExpiryPurgeOptions): ExpiryPurge {
  const timer = setInterval(() => {
    store.purgeExpired(now(), purge).catch((error: unknown) => log(`fedmeta: purging expired rows failed (${(error as Error).message}); retrying later`));
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
