// Embedded store on SQLite (better-sqlite3). WAL with synchronous=FULL: a change is on disk before
// the call returns. BEGIN IMMEDIATE serialises writers across processes (server and CLI).
import Database from 'better-sqlite3';
import { secureSqliteFiles } from './file-modes.js';
import type { KeyRecord, KeyState } from '../keys/types.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import { take, check, refill, type BucketState } from '../limits/token-bucket.js';
import { rateLimitRefusal } from './rate-limit.js';
import type {
  ApiClientRecord,
  ChangeSubscription,
  ChangeVersions,
  KeyChangeOutcome,
  KeyChangeRequest,
  RateLimitRequest,
  SessionParticipant,
  SessionRecord,
  Store,
} from './store.js';
import type { Application } from '../clients/types.js';
import type { User } from '../users/types.js';
import { FedmetaError } from '../errors.js';
import { sqliteMigrations } from './migrations/sqlite.js';
import type { LogStreamStore } from '../log-streams/types.js';
import { sqliteLogStreams } from './sqlite/log-streams.js';
import { auditEntryFromRow, type AuditRow } from './log-stream-rows.js';

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
  /** Files that were readable by others and were tightened at open (shown at start-up). */
  readonly warnings: string[];
  readonly logStreams: LogStreamStore;

  constructor(readonly path: string) {
    // Directory 0700 and database 0600 before SQLite opens it: -wal/-shm inherit the database's mode.
    this.warnings = path === ':memory:' ? [] : secureSqliteFiles(path);
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 15000');
    this.db.pragma('foreign_keys = ON');
    // The canonical e-mail form (as src/users/email.ts makes it), for migration 3.
    this.db.function('fedmeta_email_key', { deterministic: true }, (value: unknown) => (typeof value === 'string' ? value.normalize('NFKC').toLowerCase() : value));
    this.logStreams = sqliteLogStreams(this.db, (entry, now) => this.insertAudit(entry, now));
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
    return { keys: get('keys'), clients: get('clients') };
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
      ON CONFLICT (kid) DO UPDATE SET state = excluded.state, cert_pem = excluded.cert_pem, current_since = excluded.current_since,
        current_until = excluded.current_until, revoked_at = excluded.revoked_at`);
    const run = this.db.transaction((): KeyChangeOutcome<R> => {
      let rate;
      if (request.rateLimit) {
        rate = take(this.readBucket(request.rateLimit.bucket), request.now.getTime(), request.rateLimit.policy);
        if (!rate.allowed) throw rateLimitRefusal(request.rateLimit, rate);
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
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?').all(perPage, page * perPage) as AuditRow[];
    return rows.map(auditEntryFromRow);
  }

  async createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO api_clients (client_id, name, secret_hash, scopes, created_at, secret_version) VALUES (?, ?, ?, ?, ?, ?)')
        .run(client.clientId, client.name, client.secretHash, client.scopes.join(' '), client.createdAt.getTime(), client.secretVersion);
      this.insertAudit(audit, client.createdAt);
    }).immediate();
  }

  async takeRateLimit(request: RateLimitRequest, now: Date) {
    return this.db
      .transaction(() => {
        const decision = take(this.readBucket(request.bucket), now.getTime(), request.policy);
        if (decision.allowed) {
          this.db
            .prepare('INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at')
            .run(request.bucket, decision.state.tokens, decision.state.updatedAt);
        }
        return decision;
      })
      .immediate();
  }

  async returnRateLimit(request: RateLimitRequest, now: Date): Promise<void> {
    this.db
      .transaction(() => {
        const state = refill(this.readBucket(request.bucket), now.getTime(), request.policy);
        this.db
          .prepare('INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at')
          .run(request.bucket, Math.min(request.policy.burst, state.tokens + 1), state.updatedAt);
      })
      .immediate();
  }

  // --- applications -------------------------------------------------------------------------

  private bumpClients(): void {
    this.db.prepare("UPDATE change_counters SET version = version + 1 WHERE name = 'clients'").run();
  }

  async listApplications(): Promise<Application[]> {
    return (this.db.prepare('SELECT * FROM applications ORDER BY created_at, client_id').all() as AppRow[]).map(appFromRow);
  }

  async getApplication(clientId: string) {
    return this.oneApp('client_id', clientId);
  }

  async findApplicationByAudience(audience: string) {
    return this.oneApp('saml_audience', audience);
  }

  async findApplicationByRealm(realm: string) {
    return this.oneApp('wsfed_realm', realm);
  }

  private oneApp(column: 'client_id' | 'saml_audience' | 'wsfed_realm', value: string): Application | undefined {
    const row = this.db.prepare(`SELECT * FROM applications WHERE ${column} = ?`).get(value) as AppRow | undefined;
    return row ? appFromRow(row) : undefined;
  }

  async saveApplication(app: Application, audit: AuditInput): Promise<void> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare(
              `INSERT INTO applications (client_id, name, callbacks, addons, saml_audience, wsfed_realm, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, callbacks = excluded.callbacks, addons = excluded.addons,
                 saml_audience = excluded.saml_audience, wsfed_realm = excluded.wsfed_realm, updated_at = excluded.updated_at`,
            )
            .run(
              app.clientId,
              app.name,
              JSON.stringify(app.callbacks),
              JSON.stringify(app.addons),
              app.addons.samlp?.audience ?? null,
              app.addons.wsfed?.realm ?? null,
              app.createdAt.getTime(),
              app.updatedAt.getTime(),
            );
          this.bumpClients();
          this.insertAudit(audit, app.updatedAt);
        })
        .immediate();
    } catch (error) {
      throw uniqueConflict(error, 'Another application already uses this SAML audience or WS-Fed realm');
    }
  }

  async deleteApplication(clientId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        const { changes } = this.db.prepare('DELETE FROM applications WHERE client_id = ?').run(clientId);
        if (changes === 0) return false;
        this.bumpClients();
        this.insertAudit(audit, now);
        return true;
      })
      .immediate();
  }

  // --- users ----------------------------------------------------------------------------------

  async createUser(user: User, audit: AuditInput): Promise<void> {
    try {
      this.db
        .transaction(() => {
          this.db
            .prepare('INSERT INTO users (user_id, email, name, admin, attributes, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
            .run(user.userId, user.email.normalize('NFKC').toLowerCase(), user.name, user.admin ? 1 : 0, JSON.stringify(user.attributes), user.passwordHash, user.createdAt.getTime());
          this.insertAudit(audit, user.createdAt);
        })
        .immediate();
    } catch (error) {
      throw uniqueConflict(error, `A user with email ${user.email} already exists`);
    }
  }

  async getUser(userId: string) {
    const row = this.db.prepare('SELECT * FROM users WHERE user_id = ?').get(userId) as UserRow | undefined;
    return row ? userFromRow(row) : undefined;
  }

  async findUserByEmail(email: string) {
    const row = this.db.prepare('SELECT * FROM users WHERE email = ?').get(email.normalize('NFKC').toLowerCase()) as UserRow | undefined;
    return row ? userFromRow(row) : undefined;
  }

  async listUsers({ page, perPage }: { page: number; perPage: number }) {
    return (this.db.prepare('SELECT * FROM users ORDER BY created_at, user_id LIMIT ? OFFSET ?').all(perPage, page * perPage) as UserRow[]).map(userFromRow);
  }

  async deleteUser(userId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        const { changes } = this.db.prepare('DELETE FROM users WHERE user_id = ?').run(userId);
        if (changes > 0) this.insertAudit(audit, now);
        return changes > 0;
      })
      .immediate();
  }

  async setUserAdmin(userId: string, admin: boolean, audit: AuditInput, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        const { changes } = this.db.prepare('UPDATE users SET admin = ? WHERE user_id = ?').run(admin ? 1 : 0, userId);
        if (changes > 0) this.insertAudit(audit, now);
        return changes > 0;
      })
      .immediate();
  }

  // --- sessions, login states, replay cache ---------------------------------------------------

  async createSession(session: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(session.idHash, session.userId, session.createdAt.getTime(), session.expiresAt.getTime());
  }

  async getSession(idHash: string, now: Date): Promise<SessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ? AND expires_at > ?').get(idHash, now.getTime()) as
      | { id_hash: string; user_id: string; created_at: number; expires_at: number }
      | undefined;
    if (!row) return undefined;
    const participants = this.db
      .prepare('SELECT session_index, client_id, name_id, name_id_format FROM session_participants WHERE id_hash = ? ORDER BY rowid')
      .all(idHash) as { session_index: string; client_id: string; name_id: string; name_id_format: string }[];
    return {
      idHash: row.id_hash,
      userId: row.user_id,
      createdAt: new Date(row.created_at),
      expiresAt: new Date(row.expires_at),
      participants: participants.map((p) => ({ sessionIndex: p.session_index, clientId: p.client_id, nameId: p.name_id, nameIdFormat: p.name_id_format })),
    };
  }

  async addSessionParticipant(idHash: string, participant: SessionParticipant): Promise<void> {
    this.db
      .prepare('INSERT INTO session_participants (session_index, id_hash, client_id, name_id, name_id_format) VALUES (?, ?, ?, ?, ?)')
      .run(participant.sessionIndex, idHash, participant.clientId, participant.nameId, participant.nameIdFormat);
  }

  async findSessionBySessionIndex(sessionIndex: string, now: Date): Promise<SessionRecord | undefined> {
    const row = this.db.prepare('SELECT id_hash FROM session_participants WHERE session_index = ?').get(sessionIndex) as { id_hash: string } | undefined;
    return row ? this.getSession(row.id_hash, now) : undefined;
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  async putLoginState(id: string, data: string, expiresAt: Date): Promise<void> {
    this.db.prepare('INSERT INTO login_states (id, data, expires_at) VALUES (?, ?, ?)').run(id, data, expiresAt.getTime());
  }

  async getLoginState(id: string, now: Date) {
    const row = this.db.prepare('SELECT data FROM login_states WHERE id = ? AND expires_at > ?').get(id, now.getTime()) as { data: string } | undefined;
    return row?.data;
  }

  async deleteLoginState(id: string): Promise<void> {
    this.db.prepare('DELETE FROM login_states WHERE id = ?').run(id);
  }

  async rememberRequestId(issuer: string, id: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        const at = now.getTime();
        this.db.prepare('DELETE FROM seen_request_ids WHERE expires_at <= ?').run(at);
        this.db.prepare('DELETE FROM login_states WHERE expires_at <= ?').run(at);
        this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(at);
        const { changes } = this.db
          .prepare('INSERT INTO seen_request_ids (issuer, id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
          .run(issuer, id, expiresAt.getTime());
        return changes === 1;
      })
      .immediate();
  }

  /** No push channel: other processes' changes arrive through the poll of versions(). */
  subscribe(): ChangeSubscription {
    return { close: async () => {} };
  }

  async findApiClient(clientId: string): Promise<ApiClientRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM api_clients WHERE client_id = ?').get(clientId) as ApiClientRow | undefined;
    return row && apiClientFromRow(row);
  }

  async listApiClients(): Promise<ApiClientRecord[]> {
    return (this.db.prepare('SELECT * FROM api_clients ORDER BY created_at, client_id').all() as ApiClientRow[]).map(apiClientFromRow);
  }

  async deleteApiClient(clientId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.db
      .transaction(() => {
        const { changes } = this.db.prepare('DELETE FROM api_clients WHERE client_id = ?').run(clientId);
        if (changes === 0) return false;
        this.insertAudit(audit, now);
        return true;
      })
      .immediate();
  }

  async rotateApiClientSecret(clientId: string, secretHash: string, audit: AuditInput, now: Date): Promise<ApiClientRecord | undefined> {
    return this.db
      .transaction(() => {
        const row = this.db
          .prepare('UPDATE api_clients SET secret_hash = ?, secret_version = secret_version + 1 WHERE client_id = ? RETURNING *')
          .get(secretHash, clientId) as ApiClientRow | undefined;
        if (!row) return undefined;
        this.insertAudit(audit, now);
        return apiClientFromRow(row);
      })
      .immediate();
  }

}

interface ApiClientRow {
  client_id: string;
  name: string;
  secret_hash: string;
  scopes: string;
  created_at: number;
  secret_version: number;
}

function apiClientFromRow(row: ApiClientRow): ApiClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: row.scopes.split(' ').filter(Boolean),
    createdAt: new Date(row.created_at),
    secretVersion: row.secret_version,
  };
}

interface AppRow {
  client_id: string;
  name: string;
  callbacks: string;
  addons: string;
  created_at: number;
  updated_at: number;
}

function appFromRow(row: AppRow): Application {
  return {
    clientId: row.client_id,
    name: row.name,
    callbacks: JSON.parse(row.callbacks) as string[],
    addons: JSON.parse(row.addons) as Application['addons'],
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  admin: number;
  attributes: string;
  password_hash: string;
  created_at: number;
}

function userFromRow(row: UserRow): User {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    admin: row.admin === 1,
    attributes: JSON.parse(row.attributes) as Record<string, string>,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
  };
}

function uniqueConflict(error: unknown, message: string): unknown {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? new FedmetaError(409, 'conflict', message) : error;
}
