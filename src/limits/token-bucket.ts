// Token bucket as a pure function: the store keeps {tokens, updatedAt} per bucket, shared by
// every instance, and applies `take` inside the same transaction as the action it limits.
export interface BucketPolicy {
  /** Bucket size: how many actions may happen back to back. */
  burst: number;
  /** Refill rate. */
  perDay: number;
}

export interface BucketState {
  tokens: number;
  updatedAt: number; // epoch ms
}

export interface BucketDecision {
  allowed: boolean;
  state: BucketState;
  limit: number;
  remaining: number;
  /** Seconds until one more action is allowed (0 when allowed now). */
  retryAfterSeconds: number;
  /** Epoch seconds when the bucket is full again. */
  resetAt: number;
}

export function refill(state: BucketState | undefined, now: number, policy: BucketPolicy): BucketState {
  if (!state) return { tokens: policy.burst, updatedAt: now };
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(policy.burst, state.tokens + (elapsed * policy.perDay) / 86_400_000);
  return { tokens, updatedAt: Math.max(now, state.updatedAt) };
}

function decision(allowed: boolean, state: BucketState, now: number, policy: BucketPolicy): BucketDecision {
  const msPerToken = 86_400_000 / policy.perDay;
  const missing = Math.max(0, 1 - state.tokens);
  return {
    allowed,
    state,
    limit: policy.burst,
    remaining: Math.floor(state.tokens),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((missing * msPerToken) / 1000)),
    resetAt: Math.ceil((now + (policy.burst - state.tokens) * msPerToken) / 1000),
  };
}

/** Peek without spending a token. */
export function check(state: BucketState | undefined, now: number, policy: BucketPolicy): BucketDecision {
  const current = refill(state, now, policy);
  return decision(current.tokens >= 1, current, now, policy);
}

/** Spend one token when there is one; the returned state is what the store writes back. */
export function take(state: BucketState | undefined, now: number, policy: BucketPolicy): BucketDecision {
  const current = refill(state, now, policy);
  if (current.tokens < 1) return decision(false, current, now, policy);
  const spent = { tokens: current.tokens - 1, updatedAt: current.updatedAt };
  return decision(true, spent, now, policy);
}

export function rateLimitHeaders(d: BucketDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'X-RateLimit-Limit': String(d.limit),
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(d.resetAt),
  };
  if (!d.allowed) headers['Retry-After'] = String(d.retryAfterSeconds);
  return headers;
}

/** How long an untouched bucket takes to be full again from empty: after that, dropping it changes nothing. */
export function fullAfterMs(policy: BucketPolicy): number {
  return Math.ceil((policy.burst * 86_400_000) / policy.perDay);
}
