// Shared store on PostgreSQL (pg Pool) for several instances. Same semantics as sqlite.ts:
// every state-changing method is one transaction; key changes are serialised across instances by
// a row lock on the `keys` change counter (the row every key change bumps anyway), and the partial
// unique indexes and triggers of migrations/postgres.ts refuse two current keys, un-revoking and
// deleting whatever the code above does. Every counter bump sends NOTIFY fedmeta_changes in the same
// transaction (delivered at commit). Lost connections become 503 service_unavailable
// (postgres-errors.ts); the pool reconnects on the next call.
import pg from 'pg';
import type { KeyRecord, KeyState } from '../keys/types.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import { take, check, refill, type BucketState } from '../limits/token-bucket.js';
import type {
  ApiClientRecord,
  ChangeSubscription,
  ChangeTopic,
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
import { postgresMigrations } from './migrations/postgres.js';
import { rateLimitRefusal } from './rate-limit.js';
import { isConnectionError, isRetryable, isUniqueViolation, translatePgError } from './postgres-errors.js';
import { CHANGE_CHANNEL, ChangeListener } from './postgres-notify.js';

import type { LogStreamStore } from '../log-streams/types.js';
import { postgresLogStreams } from './postgres/log-streams.js';

type Db = pg.PoolClient;

interface KeyRow {
  kid: string;
  state: KeyState;
  cert_pem: string;
  sealed_private_key: string;
  created_at: Date;
  current_since: Date | null;
  current_until: Date | null;
  revoked_at: Date | null;
}

const orUndefined = (date: Date | null) => (date === null ? undefined : date);

function keyFromRow(row: KeyRow): KeyRecord {
  return {
    kid: row.kid,
    state: row.state,
    certPem: row.cert_pem,
    sealedPrivateKey: row.sealed_private_key,
    createdAt: row.created_at,
    currentSince: orUndefined(row.current_since),
    currentUntil: orUndefined(row.current_until),
    revokedAt: orUndefined(row.revoked_at),
  };
}

export interface PostgresStoreOptions {
  /** Connections per instance (default 10). */
  maxConnections?: number;
  /** How long a call waits for a connection before it answers 503 (default 5000 ms). */
  connectTimeoutMs?: number;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly clientConfig: pg.ClientConfig;
  private readonly listeners = new Set<ChangeListener>();
  private closing: Promise<void> | undefined;
  readonly logStreams: LogStreamStore = postgresLogStreams({
    query: (text, values) => this.query(text, values),
    transaction: (work) => this.transaction(work),
    insertAudit: (db, entry, now) => this.insertAudit(db as Db, entry, now),
  });

  constructor(readonly url: string, options: PostgresStoreOptions = {}) {
    this.clientConfig = {
      connectionString: url,
      application_name: 'fedmeta',
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    };
    this.pool = new pg.Pool({ ...this.clientConfig, max: options.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
    // An idle connection that dies (database restart, network cut) is dropped and replaced on the
    // next call; without this handler the error event would stop the process.
    this.pool.on('error', () => {});
  }

  // --- plumbing: every query goes through query() or transaction() ---------------------------

  private async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw translatePgError(error);
    }
  }

  private async transaction<T>(work: (db: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      let client: pg.PoolClient;
      try {
        client = await this.pool.connect();
      } catch (error) {
        throw translatePgError(error);
      }
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        if (isConnectionError(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        // The plan and audit builders are pure, so a serialisation failure or deadlock is retried.
        if (!broken && isRetryable(error) && attempt < 3) continue;
        throw translatePgError(error);
      } finally {
        client.release(broken);
      }
    }
  }

  /** Bump a change counter and notify every instance; both take effect at commit. */
  private async bump(db: Db, topic: ChangeTopic): Promise<void> {
    const { rows } = await db.query<{ version: string }>('UPDATE change_counters SET version = version + 1 WHERE name = $1 RETURNING version', [topic]);
    await db.query(`SELECT pg_notify('${CHANGE_CHANNEL}', json_build_object('schema', current_schema(), 'topic', $1::text, 'version', $2::bigint)::text)`, [
      topic,
      rows[0]?.version ?? '0',
    ]);
  }

  private async insertAudit(db: Db | undefined, entry: AuditInput, now: Date): Promise<void> {
    // Audit ids are handed out in commit order: each insert first takes this schema's audit lock, held
    // until its transaction ends, so no entry commits below one already read (log stream cursors).
    const sql = `INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, details)
      SELECT $1::timestamptz, $2::text, $3::text, $4::text, $5::text, $6::text, $7::json
      FROM (SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.audit_log'))) AS serialised`;
    const values = [now, entry.type, entry.description, entry.actor.type, entry.actor.id, entry.actor.ip ?? null, JSON.stringify(entry.details ?? {})];
    if (db) await db.query(sql, values);
    else await this.query(sql, values);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  async migrate(): Promise<void> {
    await this.transaction(async (db) => {
      // The first schema named in search_path (fedmeta's own, or public).
      const { rows } = await db.query<{ schema: string | null; path: string }>("SELECT current_schema() AS schema, current_setting('search_path') AS path");
      const wanted = rows[0]?.schema ?? firstSchema(rows[0]?.path ?? '');
      // Several instances starting at once: one migrates, the others wait and then find it done.
      await db.query("SELECT pg_advisory_xact_lock(hashtext('fedmeta:migrate'), hashtext($1))", [wanted ?? '']);
      if (!rows[0]?.schema) {
        if (!wanted) throw new Error('the PostgreSQL search_path names no schema to create the tables in');
        const exists = await db.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [wanted]);
        if (exists.rowCount === 0) await db.query(`CREATE SCHEMA ${pg.escapeIdentifier(wanted)}`);
      }
      await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)');
      const applied = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version));
      for (const migration of postgresMigrations) {
        if (applied.has(migration.version)) continue;
        await db.query(migration.sql);
        await db.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, new Date()]);
      }
    });
  }

  /** The schema version after migrate() (the highest applied migration). */
  async schemaVersion(): Promise<number> {
    const { rows } = await this.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    return rows[0]?.version ?? 0;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.listeners].map((listener) => listener.close()));
      this.listeners.clear();
      await this.pool.end();
    })();
    return this.closing;
  }

  subscribe(onChange: (topics: ChangeTopic[]) => void): ChangeSubscription & { listening: boolean; ready(): Promise<void> } {
    const listener = new ChangeListener(this.clientConfig, onChange);
    this.listeners.add(listener);
    return {
      get listening() {
        return listener.listening;
      },
      ready: () => listener.ready(),
      close: async () => {
        this.listeners.delete(listener);
        await listener.close();
      },
    };
  }

  async versions(): Promise<ChangeVersions> {
    const { rows } = await this.query<{ name: string; version: string }>('SELECT name, version FROM change_counters');
    const get = (name: string) => Number(rows.find((row) => row.name === name)?.version ?? 0);
    return { keys: get('keys'), clients: get('clients') };
  }

  // --- keys and rate limits -------------------------------------------------------------------

  async listKeys(): Promise<KeyRecord[]> {
    return (await this.query<KeyRow>('SELECT * FROM signing_keys ORDER BY created_at, kid')).rows.map(keyFromRow);
  }

  private async readBucket(db: Db | undefined, bucket: string, lock: boolean): Promise<BucketState | undefined> {
    const sql = `SELECT tokens, updated_at FROM rate_limits WHERE bucket = $1${lock ? ' FOR UPDATE' : ''}`;
    const { rows } = db ? await db.query<{ tokens: number; updated_at: Date }>(sql, [bucket]) : await this.query<{ tokens: number; updated_at: Date }>(sql, [bucket]);
    const row = rows[0];
    return row ? { tokens: row.tokens, updatedAt: row.updated_at.getTime() } : undefined;
  }

  /** Lock the bucket row for this transaction (creating it full first), then read it. */
  private async lockBucket(db: Db, request: RateLimitRequest, now: Date): Promise<BucketState | undefined> {
    await db.query('INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES ($1, $2, $3) ON CONFLICT (bucket) DO NOTHING', [
      request.bucket,
      request.policy.burst,
      now,
    ]);
    return this.readBucket(db, request.bucket, true);
  }

  private async writeBucket(db: Db, bucket: string, state: BucketState): Promise<void> {
    await db.query('UPDATE rate_limits SET tokens = $2, updated_at = $3 WHERE bucket = $1', [bucket, state.tokens, new Date(state.updatedAt)]);
  }

  async peekRateLimit(request: RateLimitRequest, now: Date) {
    return check(await this.readBucket(undefined, request.bucket, false), now.getTime(), request.policy);
  }

  async changeKeys<R>(request: KeyChangeRequest<R>): Promise<KeyChangeOutcome<R>> {
    return this.transaction(async (db): Promise<KeyChangeOutcome<R>> => {
      // Serialise every key change of every instance (and the CLI) on the row it will bump.
      await db.query("SELECT version FROM change_counters WHERE name = 'keys' FOR UPDATE");
      let rate;
      if (request.rateLimit) {
        rate = take(await this.lockBucket(db, request.rateLimit, request.now), request.now.getTime(), request.rateLimit.policy);
        if (!rate.allowed) throw rateLimitRefusal(request.rateLimit, rate);
        await this.writeBucket(db, request.rateLimit.bucket, rate.state);
      }
      const keys = (await db.query<KeyRow>('SELECT * FROM signing_keys ORDER BY created_at, kid')).rows.map(keyFromRow);
      const plan = request.plan(keys);
      if (plan.changes.length === 0) return { result: plan.result, rate };
      for (const key of plan.changes) {
        try {
          await db.query(
            `INSERT INTO signing_keys (kid, state, cert_pem, sealed_private_key, created_at, current_since, current_until, revoked_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (kid) DO UPDATE SET state = excluded.state, cert_pem = excluded.cert_pem, current_since = excluded.current_since,
               current_until = excluded.current_until, revoked_at = excluded.revoked_at`,
            [key.kid, key.state, key.certPem, key.sealedPrivateKey, key.createdAt, key.currentSince ?? null, key.currentUntil ?? null, key.revokedAt ?? null],
          );
        } catch (error) {
          if (isUniqueViolation(error, /^signing_keys_one_/)) {
            throw new Error(`UNIQUE constraint ${(error as { constraint?: string }).constraint} refused the change: the key set holds one ${key.state} key only`);
          }
          throw error;
        }
      }
      await this.bump(db, 'keys');
      for (const entry of request.audit(plan.result)) await this.insertAudit(db, entry, request.now);
      return { result: plan.result, rate };
    });
  }

  async takeRateLimit(request: RateLimitRequest, now: Date) {
    return this.transaction(async (db) => {
      const decision = take(await this.lockBucket(db, request, now), now.getTime(), request.policy);
      if (decision.allowed) await this.writeBucket(db, request.bucket, decision.state);
      return decision;
    });
  }

  async returnRateLimit(request: RateLimitRequest, now: Date): Promise<void> {
    await this.transaction(async (db) => {
      const state = refill(await this.lockBucket(db, request, now), now.getTime(), request.policy);
      await this.writeBucket(db, request.bucket, { tokens: Math.min(request.policy.burst, state.tokens + 1), updatedAt: state.updatedAt });
    });
  }

  // --- audit and API clients ------------------------------------------------------------------

  async appendAudit(entry: AuditInput, now: Date): Promise<void> {
    await this.insertAudit(undefined, entry, now);
  }

  async listAudit({ page, perPage }: { page: number; perPage: number }): Promise<AuditEntry[]> {
    const { rows } = await this.query<{
      log_id: string;
      at: Date;
      type: string;
      description: string;
      actor_type: AuditEntry['actor']['type'];
      actor_id: string;
      ip: string | null;
      details: Record<string, unknown>;
    }>('SELECT id::text AS log_id, at, type, description, actor_type, actor_id, ip, details FROM audit_log ORDER BY audit_log.id DESC LIMIT $1 OFFSET $2', [perPage, page * perPage]);
    return rows.map((row) => ({
      log_id: row.log_id,
      date: row.at.toISOString(),
      type: row.type,
      description: row.description,
      actor: { type: row.actor_type, id: row.actor_id },
      ...(row.ip ? { ip: row.ip } : {}),
      details: row.details,
    }));
  }

  async createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void> {
    await this.transaction(async (db) => {
      await db.query('INSERT INTO api_clients (client_id, name, secret_hash, scopes, created_at, secret_version) VALUES ($1, $2, $3, $4, $5, $6)', [
        client.clientId,
        client.name,
        client.secretHash,
        client.scopes,
        client.createdAt,
        client.secretVersion,
      ]);
      await this.insertAudit(db, audit, client.createdAt);
    });
  }

  async findApiClient(clientId: string): Promise<ApiClientRecord | undefined> {
    const { rows } = await this.query<ApiClientRow>('SELECT * FROM api_clients WHERE client_id = $1', [clientId]);
    return rows[0] && apiClientFromRow(rows[0]);
  }

  async listApiClients(): Promise<ApiClientRecord[]> {
    return (await this.query<ApiClientRow>('SELECT * FROM api_clients ORDER BY created_at, client_id')).rows.map(apiClientFromRow);
  }

  async deleteApiClient(clientId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM api_clients WHERE client_id = $1', [clientId]);
      if (!rowCount) return false;
      await this.insertAudit(db, audit, now);
      return true;
    });
  }

  async rotateApiClientSecret(clientId: string, secretHash: string, audit: AuditInput, now: Date): Promise<ApiClientRecord | undefined> {
    return this.transaction(async (db) => {
      const { rows } = await db.query<ApiClientRow>(
        'UPDATE api_clients SET secret_hash = $1, secret_version = secret_version + 1 WHERE client_id = $2 RETURNING *',
        [secretHash, clientId],
      );
      if (!rows[0]) return undefined;
      await this.insertAudit(db, audit, now);
      return apiClientFromRow(rows[0]);
    });
  }


  // --- applications ---------------------------------------------------------------------------

  async listApplications(): Promise<Application[]> {
    return (await this.query<AppRow>('SELECT * FROM applications ORDER BY created_at, client_id')).rows.map(appFromRow);
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

  private async oneApp(column: 'client_id' | 'saml_audience' | 'wsfed_realm', value: string): Promise<Application | undefined> {
    const row = (await this.query<AppRow>(`SELECT * FROM applications WHERE ${column} = $1`, [value])).rows[0];
    return row ? appFromRow(row) : undefined;
  }

  async saveApplication(app: Application, audit: AuditInput): Promise<void> {
    try {
      await this.transaction(async (db) => {
        await db.query(
          `INSERT INTO applications (client_id, name, callbacks, addons, saml_audience, wsfed_realm, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, callbacks = excluded.callbacks, addons = excluded.addons,
             saml_audience = excluded.saml_audience, wsfed_realm = excluded.wsfed_realm, updated_at = excluded.updated_at`,
          [
            app.clientId,
            app.name,
            JSON.stringify(app.callbacks),
            JSON.stringify(app.addons),
            app.addons.samlp?.audience ?? null,
            app.addons.wsfed?.realm ?? null,
            app.createdAt,
            app.updatedAt,
          ],
        );
        await this.bump(db, 'clients');
        await this.insertAudit(db, audit, app.updatedAt);
      });
    } catch (error) {
      throw uniqueConflict(error, 'Another application already uses this SAML audience or WS-Fed realm');
    }
  }

  async deleteApplication(clientId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM applications WHERE client_id = $1', [clientId]);
      if (!rowCount) return false;
      await this.bump(db, 'clients');
      await this.insertAudit(db, audit, now);
      return true;
    });
  }

  // --- users ----------------------------------------------------------------------------------

  async createUser(user: User, audit: AuditInput): Promise<void> {
    try {
      await this.transaction(async (db) => {
        await db.query(
          'INSERT INTO users (user_id, email, name, admin, attributes, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [user.userId, user.email.normalize('NFKC').toLowerCase(), user.name, user.admin, JSON.stringify(user.attributes), user.passwordHash, user.createdAt],
        );
        await this.insertAudit(db, audit, user.createdAt);
      });
    } catch (error) {
      throw uniqueConflict(error, `A user with email ${user.email} already exists`);
    }
  }

  async getUser(userId: string) {
    const row = (await this.query<UserRow>('SELECT * FROM users WHERE user_id = $1', [userId])).rows[0];
    return row ? userFromRow(row) : undefined;
  }

  async findUserByEmail(email: string) {
    const row = (await this.query<UserRow>('SELECT * FROM users WHERE email = $1', [email.normalize('NFKC').toLowerCase()])).rows[0];
    return row ? userFromRow(row) : undefined;
  }

  async listUsers({ page, perPage }: { page: number; perPage: number }) {
    const { rows } = await this.query<UserRow>('SELECT * FROM users ORDER BY created_at, user_id LIMIT $1 OFFSET $2', [perPage, page * perPage]);
    return rows.map(userFromRow);
  }

  async deleteUser(userId: string, audit: AuditInput, now: Date): Promise<boolean> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('DELETE FROM users WHERE user_id = $1', [userId]);
      if (rowCount) await this.insertAudit(db, audit, now);
      return Boolean(rowCount);
    });
  }

  async setUserAdmin(userId: string, admin: boolean, audit: AuditInput, now: Date): Promise<boolean> {
    return this.transaction(async (db) => {
      const { rowCount } = await db.query('UPDATE users SET admin = $1 WHERE user_id = $2', [admin, userId]);
      if (rowCount) await this.insertAudit(db, audit, now);
      return Boolean(rowCount);
    });
  }

  // --- sessions, login states, replay cache ---------------------------------------------------

  async createSession(session: SessionRecord): Promise<void> {
    await this.query('INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      session.idHash,
      session.userId,
      session.createdAt,
      session.expiresAt,
    ]);
  }

  async getSession(idHash: string, now: Date): Promise<SessionRecord | undefined> {
    const { rows } = await this.query<{
      id_hash: string;
      user_id: string;
      created_at: Date;
      expires_at: Date;
      participants: { session_index: string; client_id: string; name_id: string; name_id_format: string }[];
    }>(
      `SELECT s.id_hash, s.user_id, s.created_at, s.expires_at,
         coalesce((SELECT json_agg(json_build_object('session_index', p.session_index, 'client_id', p.client_id,
                     'name_id', p.name_id, 'name_id_format', p.name_id_format) ORDER BY p.position)
                   FROM session_participants p WHERE p.id_hash = s.id_hash), '[]') AS participants
       FROM sessions s WHERE s.id_hash = $1 AND s.expires_at > $2`,
      [idHash, now],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      idHash: row.id_hash,
      userId: row.user_id,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      participants: row.participants.map((p) => ({ sessionIndex: p.session_index, clientId: p.client_id, nameId: p.name_id, nameIdFormat: p.name_id_format })),
    };
  }

  async addSessionParticipant(idHash: string, participant: SessionParticipant): Promise<void> {
    await this.query('INSERT INTO session_participants (session_index, id_hash, client_id, name_id, name_id_format) VALUES ($1, $2, $3, $4, $5)', [
      participant.sessionIndex,
      idHash,
      participant.clientId,
      participant.nameId,
      participant.nameIdFormat,
    ]);
  }

  async findSessionBySessionIndex(sessionIndex: string, now: Date): Promise<SessionRecord | undefined> {
    const row = (await this.query<{ id_hash: string }>('SELECT id_hash FROM session_participants WHERE session_index = $1', [sessionIndex])).rows[0];
    return row ? this.getSession(row.id_hash, now) : undefined;
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.query('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }

  async putLoginState(id: string, data: string, expiresAt: Date): Promise<void> {
    await this.query('INSERT INTO login_states (id, data, expires_at) VALUES ($1, $2, $3)', [id, data, expiresAt]);
  }

  async getLoginState(id: string, now: Date) {
    return (await this.query<{ data: string }>('SELECT data FROM login_states WHERE id = $1 AND expires_at > $2', [id, now])).rows[0]?.data;
  }

  async deleteLoginState(id: string): Promise<void> {
    await this.query('DELETE FROM login_states WHERE id = $1', [id]);
  }

  async rememberRequestId(issuer: string, id: string, expiresAt: Date, now: Date): Promise<boolean> {
    return this.transaction(async (db) => {
      await db.query('DELETE FROM seen_request_ids WHERE expires_at <= $1', [now]);
      await db.query('DELETE FROM login_states WHERE expires_at <= $1', [now]);
      await db.query('DELETE FROM sessions WHERE expires_at <= $1', [now]);
      const { rowCount } = await db.query('INSERT INTO seen_request_ids (issuer, id, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
        issuer,
        id,
        expiresAt,
      ]);
      return rowCount === 1;
    });
  }
}

/** The first schema a search_path names, skipping "$user" (unquoted names fold to lower case). */
export function firstSchema(path: string): string | undefined {
  return path
    .split(',')
    .map((part) => part.trim())
    .map((part) => (/^".*"$/.test(part) ? part.slice(1, -1).replace(/""/g, '"') : part.toLowerCase()))
    .find((part) => part !== '' && part !== '$user');
}

interface ApiClientRow {
  client_id: string;
  name: string;
  secret_hash: string;
  scopes: string[];
  created_at: Date;
  secret_version: number;
}

function apiClientFromRow(row: ApiClientRow): ApiClientRecord {
  return {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    scopes: row.scopes.filter(Boolean),
    createdAt: row.created_at,
    secretVersion: row.secret_version,
  };
}

interface AppRow {
  client_id: string;
  name: string;
  callbacks: string[];
  addons: Application['addons'];
  created_at: Date;
  updated_at: Date;
}

function appFromRow(row: AppRow): Application {
  return { clientId: row.client_id, name: row.name, callbacks: row.callbacks, addons: row.addons, createdAt: row.created_at, updatedAt: row.updated_at };
}

interface UserRow {
  user_id: string;
  email: string;
  name: string;
  admin: boolean;
  attributes: Record<string, string>;
  password_hash: string;
  created_at: Date;
}

function userFromRow(row: UserRow): User {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    admin: row.admin,
    attributes: row.attributes,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

function uniqueConflict(error: unknown, message: string): unknown {
  return isUniqueViolation(error) ? new FedmetaError(409, 'conflict', message) : error;
}
