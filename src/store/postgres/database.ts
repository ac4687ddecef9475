// The PostgreSQL pool for several instances. Every query goes through `query` (one statement) or
// `transaction` (BEGIN … COMMIT, retried on serialisation failure or deadlock); both take `?`
// placeholders (the shared statements.ts) and number them. Lost connections become 503
// service_unavailable (errors.ts); the pool reconnects on the next call.
import pg from 'pg';
import type { ColumnEncoding } from '../rows.js';
import { isConnectionError, isRetryable, translatePgError } from './errors.js';

export const postgresEncoding: ColumnEncoding = { time: (date) => date, flag: (value) => value, words: (list) => list };

/** Runs one statement with `?` placeholders. */
export type Sql = <R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<pg.QueryResult<R>>;

export interface PostgresStoreOptions {
  /** Connections per instance (default 10). */
  maxConnections?: number;
  /** How long a call waits for a connection before it answers 503 (default 5000 ms). */
  connectTimeoutMs?: number;
}

export interface PostgresDatabase {
  /** For a dedicated connection (LISTEN). */
  readonly clientConfig: pg.ClientConfig;
  query: Sql;
  /** `work` gets the transaction's Sql and its raw client (for multi-statement text such as migrations). */
  transaction<T>(work: (sql: Sql, client: pg.PoolClient) => Promise<T>): Promise<T>;
  end(): Promise<void>;
}

/** `?` → `$1`, `$2`, … (the shared statements never hold a literal `?`). */
export function numbered(text: string): string {
  let position = 0;
  return text.replace(/\?/g, () => `$${(position += 1)}`);
}

const sqlOn =
  (client: pg.Pool | pg.PoolClient): Sql =>
  (text, values = []) =>
    client.query(numbered(text), values);

export function connectPool(url: string, options: PostgresStoreOptions = {}): PostgresDatabase {
  const clientConfig: pg.ClientConfig = {
    connectionString: url,
    application_name: 'fedmeta',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const pool = new pg.Pool({ ...clientConfig, max: options.maxConnections ?? 10, idleTimeoutMillis: 30_000 });
  // An idle connection that dies (database restart, network cut) is dropped and replaced on the
  // next call; without this handler the error event would stop the process.
  pool.on('error', () => {});
  const poolSql = sqlOn(pool);
  return {
    clientConfig,
    async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]) {
      try {
        return await poolSql<R>(text, values);
      } catch (error) {
        throw translatePgError(error);
      }
    },
    transaction: (work) => inTransaction(pool, work),
    end: () => pool.end(),
  };
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (error) {
    throw translatePgError(error);
  }
}

async function inTransaction<T>(pool: pg.Pool, work: (sql: Sql, client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const client = await connect(pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(sqlOn(client), client);
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
