// Shared by every store: the refusal when a key change's rate-limit token is not there.
import { tooManyRequests, type FedmetaError } from '../errors.js';
import { rateLimitHeaders, type BucketDecision } from '../limits/token-bucket.js';
import type { RateLimitRequest } from './store.js';

export function rateLimitRefusal(request: RateLimitRequest, rate: BucketDecision): FedmetaError {
  return tooManyRequests(
    `Signing key rotation and revocation are limited to ${request.policy.burst} at once and ${request.policy.perDay} per day; retry in ${rate.retryAfterSeconds} s`,
    rateLimitHeaders(rate),
  );
}
