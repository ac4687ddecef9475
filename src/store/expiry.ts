// Expired rows (sessions, login states, request IDs, idle rate-limit buckets) are invisible to
// every read and deleted here, with audit entries past FEDMETA_AUDIT_RETENTION, on a timer the
// server starts, never as a side effect of a read.
import { fullAfterMs, type BucketPolicy } from '../limits/token-bucket.js';
import { DEFAULT_IDLE_BUCKET_MS, type PurgeOptions, type StoreMaintenance } from './store.js';
import type { AuditStore } from '../audit/audit-store.js';
import { purgeOldAudit } from '../audit/retention.js';

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
  /** One pass now (what the timer runs): expired rows, then audit entries past retention. */
  runOnce(): Promise<void>;
  stop(): void;
}

export interface ExpiryPurgeOptions {
  store: Pick<StoreMaintenance, 'purgeExpired'> & Pick<AuditStore, 'purgeAuditBefore'>;
  now: () => Date;
  intervalMs: number;
  purge?: PurgeOptions;
  /** FEDMETA_AUDIT_RETENTION. */
  auditRetentionMs: number;
  log?: (line: string) => void;
}

/** Run store.purgeExpired and the audit retention every intervalMs (unref'd: it never keeps the process alive). */
export function startExpiryPurge({ store, now, intervalMs, purge, auditRetentionMs, log = (line) => console.error(line) }: ExpiryPurgeOptions): ExpiryPurge {
  const runOnce = async () => {
    try {
      await store.purgeExpired(now(), purge);
      await purgeOldAudit(store, now(), auditRetentionMs);
    } catch (error) {
      log(`fedmeta: purging expired rows failed (${(error as Error).message}); retrying later`);
    }
  };
  const timer = setInterval(() => void runOnce(), intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
