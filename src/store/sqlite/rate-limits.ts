// SQLite token buckets; a write transaction (BEGIN IMMEDIATE) is the lock.
import { check, take, type BucketState } from '../../limits/token-bucket.js';
import type { RateLimitStore } from '../../limits/rate-limit-store.js';
import { returnToken } from '../bucket-tokens.js';
import { DELETE_IDLE_BUCKETS, SELECT_BUCKET } from '../statements.js';
import { immediate, one, run, type SqliteDatabase } from './database.js';

export function readBucket(db: SqliteDatabase, bucket: string): BucketState | undefined {
  const row = one<{ tokens: number; updated_at: number }>(db, SELECT_BUCKET, bucket);
  return row ? { tokens: row.tokens, updatedAt: row.updated_at } : undefined;
}

export function writeBucket(db: SqliteDatabase, bucket: string, state: BucketState): void {
  run(
    db,
    'INSERT INTO rate_limits (bucket, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (bucket) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at',
    bucket,
    state.tokens,
    state.updatedAt,
  );
}

export function purgeIdleBuckets(db: SqliteDatabase, before: Date): number {
  return run(db, DELETE_IDLE_BUCKETS, before.getTime());
}

export function sqliteRateLimits(db: SqliteDatabase): RateLimitStore {
  return {
    async peekRateLimit(request, now) {
      return check(readBucket(db, request.bucket), now.getTime(), request.policy);
    },
    async takeRateLimit(request, now) {
      return immediate(db, () => {
        const decision = take(readBucket(db, request.bucket), now.getTime(), request.policy);
        if (decision.allowed) writeBucket(db, request.bucket, decision.state);
        return decision;
      });
    },
    async returnRateLimit(request, now) {
      immediate(db, () => writeBucket(db, request.bucket, returnToken(request, readBucket(db, request.bucket), now)));
    },
  };
}
