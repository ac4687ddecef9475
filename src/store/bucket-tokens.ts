// Token-bucket steps both backends run inside their transaction: spend a key change's token (or refuse
// with 429, which aborts the change), and give a login-throttle token back.
import { tooManyRequests, type FedmetaError } from '../errors.js';
import { rateLimitHeaders, refill, take, type BucketDecision, type BucketState } from '../limits/token-bucket.js';
import type { RateLimitRequest } from '../limits/rate-limit-store.js';

export function rateLimitRefusal(request: RateLimitRequest, rate: BucketDecision): FedmetaError {
  return tooManyRequests(
    `Signing key rotation and revocation are limited to ${request.policy.burst} at once and ${request.policy.perDay} per day; retry in ${rate.retryAfterSeconds} s`,
    rateLimitHeaders(rate),
  );
}

/** The token a key change spends; throws the 429 when the bucket is empty (which aborts the transaction). */
export function spendKeyChangeToken(request: RateLimitRequest, state: BucketState | undefined, now: Date): BucketDecision {
  const rate = take(state, now.getTime(), request.policy);
  if (!rate.allowed) throw rateLimitRefusal(request, rate);
  return rate;
}

/** The bucket after giving one token back, bounded by its size. */
export function returnToken(request: RateLimitRequest, state: BucketState | undefined, now: Date): BucketState {
  const refilled = refill(state, now.getTime(), request.policy);
  return { tokens: Math.min(request.policy.burst, refilled.tokens + 1), updatedAt: refilled.updatedAt };
}
