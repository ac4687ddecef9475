// Embedded store on SQLite (better-sqlite3). WAL with synchronous=FULL: a change is on disk before
// the call returns. BEGIN IMMEDIATE serialises writers across processes (server and CLI).
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyRecord, KeyState } from '../keys/types.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import { take, check, type BucketState } from '../limits/token-bucket.js';
import { tooManyRequests } from '../errors.js';
import { rateLimitHeaders } from '../limits/token-bucket.js';
import type { ApiClientRecord, ChangeVersions, KeyChangeOutcome, KeyChangeRequest, RateLimitRequest, Store } from './store.js';
import { sqliteMigrations } from './migrations/sqlite.js';

interface KeyRow {
  kid: string;
  state: KeyState;
  cert_pem: string;
  sealed_private_key: string;
  created_at: number;
  current_since: number | null;
  current_until: number | null;
  revoked_at: number | null;
}

const toDate = (ms: number | null) => (ms === null ? undefined : new Date(ms));
const toMs = (date: Date | undefined) => (date ? date.getTime() : null);

function keyFromRow(row: KeyRow): KeyRecord {
  return {
    kid: row.kid,
    state: row.state,
    certPem: row.cert_pem,
    sealedPrivateKey: row.sealed_private_key,
    createdAt: new Date(row.created_at),
    currentSince: toDate(row.current_since),
    currentUntil: toDate(row.current_until),
    revokedAt: toDate(row.revoked_at),
  };
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 15000');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    const run = this.db.transaction(() => {
      this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)');
      const applied = new Set(
        (this.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
      );
      for (const migration of sqliteMigrations) {
        if (applied.has(migration.version)) continue;
        this.db.exec(migration.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now());
      }
    });
    run.immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async versions(): Promise<ChangeVersions> {
    const rows = this.db.prepare('SELECT name, version FROM change_counters').all() as { name: string; version: number }[];
    const get = (name: string) => rows.find((row) => row.name === name)?.version ?? 0;
    return { keys: get('keys') };
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (this.db.prepare('SELECT * FROM signing_keys').all() as KeyRow[]).map(keyFromRow);
  }

  private readBucket(bucket: string): BucketState | undefined {
    const row = this.db.prepare('SELECT tokens, updated_at FROM rate_limits WHERE bucket = ?').get(bucket) as
      | { tokens: number; updated_at: number }
      | undefined;
    return row ? { tokens: row.tokens, updatedAt: row.updated_at } : undefined;
  }

  async peekRateLimit(request: RateLimitRequest, now: Date) {
    return check(this.readBucket(request.bucket), now.getTime(), request.policy);
  }

  async changeKeys<R>(request: KeyChangeRequest<R>): Promise<KeyChangeOutcome<R>> {
    const upsert = this.db.prepare(`
      INSERT INTO signing_keys (kid, state, cert_pem, sealed_private_key, created_at, current_since, current_until, revoked_at)
      VALUES (@kid, @state, @cert_pem, @sealed_private_key, @created_at, @current_since, @current_until, @revoked_at)
      ON CONFLICT (kid) DO UPDATE SET state = excluded.state, current_since = excluded.current_since,
        current_until = excluded.current_until, revoked_at = excluded.revoked_at`);
    const run = this.db.transaction((): KeyChangeOutcome<R> => {
      let rate;
      if (request.rateLimit) {
        rate = take(this.readBucket(request.rateLimit.bucket), request.now.getTime(), request.rateLimit.policy);
        if (!rate.allowed) {
          throw tooManyRequests(
            `Signing key rotation and revocation are limited to ${request.rateLimit.policy.burst} at once and ${request.rateLimit.policy.perDay} per day; retry in ${rate.retryAfterSeconds} s`,
            rateLimitHeaders(rate),
          );
        }
        this.db
          .prepare('INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at')
          .run(request.rateLimit.bucket, rate.state.tokens, rate.state.updatedAt);
      }
      const keys = (this.db.prepare('SELECT * FROM signing_keys').all() as KeyRow[]).map(keyFromRow);
      const plan = request.plan(keys);
      if (plan.changes.length === 0) return { result: plan.result, rate };
      for (const key of plan.changes) {
        upsert.run({
          kid: key.kid,
          state: key.state,
          cert_pem: key.certPem,
          sealed_private_key: key.sealedPrivateKey,
          created_at: key.createdAt.getTime(),
          current_since: toMs(key.currentSince),
          current_until: toMs(key.currentUntil),
          revoked_at: toMs(key.revokedAt),
        });
      }
      this.db.prepare("UPDATE change_counters SET version = version + 1 WHERE name = 'keys'").run();
      for (const entry of request.audit(plan.result)) this.insertAudit(entry, request.now);
      return { result: plan.result, rate };
    });
    return run.immediate();
  }

  private insertAudit(entry: AuditInput, now: Date): void {
    this.db
      .prepare('INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(now.getTime(), entry.type, entry.description, entry.actor.type, entry.actor.id, entry.actor.ip ?? null, JSON.stringify(entry.details ?? {}));
  }

  async appendAudit(entry: AuditInput, now: Date): Promise<void> {
    this.insertAudit(entry, now);
  }

  async listAudit({ page, perPage }: { page: number; perPage: number }): Promise<AuditEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?')
      .all(perPage, page * perPage) as {
      id: number;
      at: number;
      type: string;
      description: string;
      actor_type: AuditEntry['actor']['type'];
      actor_id: string;
      ip: string | null;
      details: string;
    }[];
    return rows.map((row) => ({
      log_id: String(row.id),
      date: new Date(row.at).toISOString(),
      type: row.type,
      description: row.description,
      actor: { type: row.actor_type, id: row.actor_id },
      ...(row.ip ? { ip: row.ip } : {}),
      details: JSON.parse(row.details) as Record<string, unknown>,
    }));
  }

  async createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO api_clients (client_id, name, secret_hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(client.clientId, client.name, client.secretHash, client.scopes.join(' '), client.createdAt.getTime());
      this.insertAudit(audit, client.createdAt);
    }).immediate();
  }

  async findApiClient(clientId: string): Promise<ApiClientRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM api_clients WHERE client_id = ?').get(clientId) as
      | { client_id: string; name: string; secret_hash: string; scopes: string; created_at: number }
      | undefined;
    if (!row) return undefined;
    return {
      clientId: row.client_id,
      name: row.name,
      secretHash: row.secret_hash,
      scopes: row.scopes.split(' ').filter(Boolean),
      createdAt: new Date(row.created_at),
    };
  }
}
