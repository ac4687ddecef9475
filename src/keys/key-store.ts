// The key-set port: read the key set, and apply a pure lifecycle plan (with its rate-limit token and
// its audit entries) in one transaction.
import type { KeyRecord } from './types.js';
import type { KeyPlan } from './lifecycle.js';
import type { AuditInput } from '../audit/types.js';
import type { BucketDecision } from '../limits/token-bucket.js';
import type { RateLimitRequest } from '../limits/rate-limit-store.js';

export interface KeyChangeRequest<R> {
  now: Date;
  /** Pure: reads the locked key set, returns what to write. May throw a FedmetaError to abort. */
  plan: (keys: KeyRecord[]) => KeyPlan<R>;
  /** Audit entries written in the same transaction (none when the plan changed nothing). */
  audit: (result: R) => AuditInput[];
  /** Spend one token from this bucket in the same transaction; a 429 aborts the change. */
  rateLimit?: RateLimitRequest | undefined;
}

export interface KeyChangeOutcome<R> {
  result: R;
  rate?: BucketDecision | undefined;
}

/** The `keys` change counter (store/store.ts ChangeFeed): an instance reloads its key set when it moves. */
export interface KeySetVersion {
  versions(): Promise<{ keys: number }>;
}

export interface KeyStore {
  listKeys(): Promise<KeyRecord[]>;
  /** Key set, rate-limit token, `keys` change counter and audit entries: one transaction. */
  changeKeys<R>(request: KeyChangeRequest<R>): Promise<KeyChangeOutcome<R>>;
}
