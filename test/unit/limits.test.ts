import { expect } from 'chai';
import { check, take, rateLimitHeaders } from '../../src/limits/token-bucket.js';

describe('token bucket', () => {
  const policy = { burst: 5, perDay: 5 };
  const day = 86_400_000;

  it('allows a burst, then refuses with Retry-After until a token refills', () => {
    let state;
    for (let i = 0; i < 5; i++) {
      const decision = take(state, 1000, policy);
      expect(decision.allowed, `call ${i}`).to.equal(true);
      expect(decision.remaining).to.equal(4 - i);
      state = decision.state;
    }
    const refused = take(state, 1000, policy);
    expect(refused.allowed).to.equal(false);
    expect(refused.retryAfterSeconds).to.equal(day / 5 / 1000);
    expect(rateLimitHeaders(refused)).to.include({ 'Retry-After': String(day / 5 / 1000), 'X-RateLimit-Limit': '5', 'X-RateLimit-Remaining': '0' });
    expect(take(refused.state, 1000 + day / 5, policy).allowed).to.equal(true);
  });

  it('refills up to the burst size only, and check() spends nothing', () => {
    const empty = { tokens: 0, updatedAt: 0 };
    expect(check(empty, 100 * day, policy).remaining).to.equal(5);
    expect(check(empty, 100 * day, policy).state.tokens).to.equal(5);
    const first = check(undefined, 0, policy);
    expect(first.allowed).to.equal(true);
    expect(first.remaining).to.equal(5);
  });
});
