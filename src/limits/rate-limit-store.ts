// The rate-limit port: token buckets shared by every instance (see token-bucket.ts for the maths).
import type { BucketDecision, BucketPolicy } from './token-bucket.js';

export interface RateLimitRequest {
  bucket: string;
  policy: BucketPolicy;
}

export interface RateLimitStore {
  /** The bucket's state now, without spending a token. */
  peekRateLimit(request: RateLimitRequest, now: Date): Promise<BucketDecision>;
  /** Spend one token of a shared bucket (login throttle); never throws for an empty bucket. */
  takeRateLimit(request: RateLimitRequest, now: Date): Promise<BucketDecision>;
  /** Give one token back (bounded by the bucket size): the attempt turned out not to count. */
  returnRateLimit(request: RateLimitRequest, now: Date): Promise<void>;
}
