// A clock that stands still until the test moves it, and the worked-example rotation policy
// ("rotate every 90 days, next key published 14 days ahead, previous revoked 30 days later").
import type { Clock } from '../../src/clock.js';

export const DAY = 86_400_000;

/** The scheduler only ticks when the test asks (and once at start). */
export const POLICY_ENV = { FEDMETA_ROTATE_EVERY: '90d', FEDMETA_NEXT_MIN_AGE: '14d', FEDMETA_REVOKE_PREVIOUS_AFTER: '30d', FEDMETA_ROTATION_CHECK_INTERVAL_MS: '86400000' };

export class PinnedClock implements Clock {
  constructor(private at: number) {}
  now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}
