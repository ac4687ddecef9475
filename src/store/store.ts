// The store contract. SQLite (embedded default) and PostgreSQL (several instances) implement it;
// nothing above this interface knows which one runs. Every state-changing method is one transaction.
import type { KeyRecord } from '../keys/types.js';
import type { KeyPlan } from '../keys/lifecycle.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import type { BucketDecision, BucketPolicy } from '../limits/token-bucket.js';

export interface ApiClientRecord {
  clientId: string;
  name: string;
  /** scrypt hash (auth/passwords.ts); the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
}

/** Counters bumped in the same transaction as a change; instances compare them to know what to rebuild. */
export interface ChangeVersions {
  keys: number;
}

export interface RateLimitRequest {
  bucket: string;
  policy: BucketPolicy;
}

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

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or upgrades the schema; safe to run concurrently and repeatedly. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  versions(): Promise<ChangeVersions>;
  listKeys(): Promise<KeyRecord[]>;
  changeKeys<R>(request: KeyChangeRequest<R>): Promise<KeyChangeOutcome<R>>;
  peekRateLimit(request: RateLimitRequest, now: Date): Promise<BucketDecision>;

  appendAudit(entry: AuditInput, now: Date): Promise<void>;
  listAudit(options: { page: number; perPage: number }): Promise<AuditEntry[]>;

  createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void>;
  findApiClient(clientId: string): Promise<ApiClientRecord | undefined>;
}
