// The store: the intersection of the narrow ports declared beside the domain code (keys/, limits/,
// audit/, clients/, users/, auth/, rollover/) plus what belongs to the store itself: the change feed, the
// schema and the purge of expired rows. SQLite (embedded default, store/sqlite/) and PostgreSQL
// (several instances, store/postgres/) implement it; nothing above it knows which one runs.
// Every state-changing method is one transaction.
import type { KeyStore } from '../keys/key-store.js';
import type { MetadataSignerStore } from '../keys/metadata-signer-store.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { ApplicationStore } from '../clients/application-store.js';
import type { UserStore } from '../users/user-store.js';
import type { ApiClientStore } from '../auth/api-client-store.js';
import type { SignInStateStore } from '../auth/session-store.js';
import type { SightingStore } from '../rollover/sighting-store.js';
import type { LogStreamStore } from '../log-streams/log-stream-store.js';

/** Counters bumped in the same transaction as a change; instances compare them to know what to rebuild. */
export interface ChangeVersions {
  keys: number;
  /** Applications: per-application metadata is rebuilt when this moves. */
  clients: number;
}

/** Which change counter moved (see ChangeVersions). */
export type ChangeTopic = keyof ChangeVersions;

/** A live push channel for changes committed by any process on the same store. */
export interface ChangeSubscription {
  /** Stop listening; idempotent. */
  close(): Promise<void>;
}

export interface ChangeFeed {
  versions(): Promise<ChangeVersions>;
  /**
   * Optional push of committed changes (any process, any instance): `onChange` receives the topics
   * that moved, or every topic after a reconnection (changes may have been missed). Polling
   * `versions()` stays the safety net, so a store without push (SQLite) may leave this out or make
   * it a no-op. `store.close()` ends every subscription too. `log` hears of lost and restored connections.
   */
  subscribe?(onChange: (topics: ChangeTopic[]) => void, log?: (line: string) => void): ChangeSubscription;
}

export interface PurgeOptions {
  /** Rate-limit buckets untouched for this long are dropped (default one day): make it at least the longest fullAfterMs. */
  idleBucketMs?: number;
}

/** Rows deleted by one purge. */
export interface PurgedRows {
  sessions: number;
  loginStates: number;
  requestIds: number;
  rateLimits: number;
}

export interface StoreMaintenance {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to run concurrently and repeatedly. */
  migrate(): Promise<void>;
  /** Deletes expired sessions, login states and request IDs, and idle rate-limit buckets. */
  purgeExpired(now: Date, options?: PurgeOptions): Promise<PurgedRows>;
  close(): Promise<void>;
}

export type Store = StoreMaintenance &
  ChangeFeed &
  KeyStore &
  MetadataSignerStore &
  RateLimitStore &
  AuditStore &
  ApplicationStore &
  UserStore &
  ApiClientStore &
  SignInStateStore &
  SightingStore &
  LogStreamStore;

export const DEFAULT_IDLE_BUCKET_MS = 86_400_000;
