// PostgreSQL token buckets: a bucket's row is locked (FOR UPDATE) for the transaction that spends from it.
import { check, take, type BucketState } from '../../limits/token-bucket.js';
import type { RateLimitRequest, RateLimitStore } from '../../limits/rate-limit-store.js';
import { returnToken } from '../bucket-tokens.js';
import { DELETE_IDLE_BUCKETS, SELECT_BUCKET } from '../statements.js';
import type { PostgresDatabase, Sql } from './database.js';

async function readBucket(sql: Sql, bucket: string, lock: boolean): Promise<BucketState | undefined> {
  const { rows } = await sql<{ tokens: number; updated_at: Date }>(`${SELECT_BUCKET}${lock ? ' FOR UPDATE' : ''}`, [bucket]);
  const row = rows[0];
  return row ? { tokens: row.tokens, updatedAt: row.updated_at.getTime() } : undefined;
}

/** Lock the bucket row for this transaction (creating it full first), then read it. */
export async function lockBucket(sql: Sql, request: RateLimitRequest, now: Date): Promise<BucketState | undefined> {
  await sql('INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO NOTHING', [request.bucket, request.policy.burst, now]);
  return readBucket(sql, request.bucket, true);
}

export async function writeBucket(sql: Sql, bucket: string, state: BucketState): Promise<void> {
  await sql('UPDATE rate_limits SET tokens = ?, updated_at = ? WHERE bucket = ?', [state.tokens, new Date(state.updatedAt), bucket]);
}

export async function purgeIdleBuckets(sql: Sql, before: Date): Promise<number> {
  return (await sql(DELETE_IDLE_BUCKETS, [before])).rowCount ?? 0;
}

export function postgresRateLimits(database: PostgresDatabase): RateLimitStore {
  return {
    async peekRateLimit(request, now) {
      return check(await readBucket(database.query, request.bucket, false), now.getTime(), request.policy);
    },
    takeRateLimit: (request, now) =>
      database.transaction(async (sql) => {
        const decision = take(await lockBucket(sql, request, now), now.getTime(), request.policy);
        if (decision.allowed) await writeBucket(sql, request.bucket, decision.state);
        return decision;
      }),
    returnRateLimit: (request, now) =>
      database.transaction(async (sql) => writeBucket(sql, request.bucket, returnToken(request, await lockBucket(sql, request, now), now))),
  };
}
