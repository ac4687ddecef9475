// The store contract. SQLite (embedded default) and PostgreSQL (several instances) implement it;
// nothing above this interface knows which one runs. Every state-changing method is one transaction.
import type { KeyRecord } from '../keys/types.js';
import type { KeyPlan } from '../keys/lifecycle.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import type { BucketDecision, BucketPolicy } from '../limits/token-bucket.js';
import type { Application } from '../clients/types.js';
import type { User } from '../users/types.js';
import type { LogStreamStore } from '../log-streams/types.js';

export interface ApiClientRecord {
  clientId: string;
  name: string;
  /** scrypt hash (auth/passwords.ts); the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  /** Starts at 1; every secret rotation adds 1. Access tokens carry it (claim "cv") and must match. */
  secretVersion: number;
}

/** Counters bumped in the same transaction as a change; instances compare them to know what to rebuild. */
export interface ChangeVersions {
  keys: number;
  /** Applications: per-application metadata is rebuilt when this moves. */
  clients: number;
}

/** A service provider / relying party the session has signed in to (for single logout). */
export interface SessionParticipant {
  clientId: string;
  sessionIndex: string;
  nameId: string;
  nameIdFormat: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value; the cookie value itself is never stored. */
  idHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  participants: SessionParticipant[];
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

/** Which change counter moved (see ChangeVersions). */
export type ChangeTopic = keyof ChangeVersions;

/** A live push channel for changes committed by any process on the same store. */
export interface ChangeSubscription {
  /** Stop listening; idempotent. */
  close(): Promise<void>;
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
  /** Every Management API client, oldest first. */
  listApiClients(): Promise<ApiClientRecord[]>;
  /** false when there is no such client (nothing audited then). */
  deleteApiClient(clientId: string, audit: AuditInput, now: Date): Promise<boolean>;
  /** Replace the secret hash and add 1 to secretVersion; the updated client, or undefined when there is none. */
  rotateApiClientSecret(clientId: string, secretHash: string, audit: AuditInput, now: Date): Promise<ApiClientRecord | undefined>;

  /** Spend one token of a shared bucket (login throttle); never throws for an empty bucket. */
  takeRateLimit(request: RateLimitRequest, now: Date): Promise<BucketDecision>;
  /** Give one token back (bounded by the bucket size): the attempt turned out not to count. */
  returnRateLimit(request: RateLimitRequest, now: Date): Promise<void>;

  listApplications(): Promise<Application[]>;
  getApplication(clientId: string): Promise<Application | undefined>;
  findApplicationByAudience(audience: string): Promise<Application | undefined>;
  findApplicationByRealm(realm: string): Promise<Application | undefined>;
  /** Insert or replace; 409 when another application has the same SAML audience or WS-Fed realm. */
  saveApplication(app: Application, audit: AuditInput): Promise<void>;
  deleteApplication(clientId: string, audit: AuditInput, now: Date): Promise<boolean>;

  createUser(user: User, audit: AuditInput): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  findUserByEmail(email: string): Promise<User | undefined>;
  listUsers(options: { page: number; perPage: number }): Promise<User[]>;
  deleteUser(userId: string, audit: AuditInput, now: Date): Promise<boolean>;
  /** Grants or removes the administrator role; false (and no audit entry) when there is no such user. */
  setUserAdmin(userId: string, admin: boolean, audit: AuditInput, now: Date): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string, now: Date): Promise<SessionRecord | undefined>;
  addSessionParticipant(idHash: string, participant: SessionParticipant): Promise<void>;
  /** The session that was given this SessionIndex, if it is still alive. */
  findSessionBySessionIndex(sessionIndex: string, now: Date): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;

  /** Short-lived state of a login in progress (the pending SAML/WS-Fed request). */
  putLoginState(id: string, data: string, expiresAt: Date): Promise<void>;
  getLoginState(id: string, now: Date): Promise<string | undefined>;
  deleteLoginState(id: string): Promise<void>;

  /** Log streams and their delivery cursors (src/log-streams/types.ts). */
  readonly logStreams: LogStreamStore;

  /** true the first time (issuer, id) is seen before expiresAt; false for a replay. */
  rememberRequestId(issuer: string, id: string, expiresAt: Date, now: Date): Promise<boolean>;

  /**
   * Optional push of committed changes (any process, any instance): `onChange` receives the topics
   * that moved, or every topic after a reconnection (changes may have been missed). Polling
   * `versions()` stays the safety net, so a store without push (SQLite) may leave this out or make
   * it a no-op. `store.close()` ends every subscription too.
   */
  subscribe?(onChange: (topics: ChangeTopic[]) => void): ChangeSubscription;
}
