import { expect } from 'chai';
import { isRotationDue, nextRotationAt, revocationAt } from '../../../src/keys/rotation-policy.js';
import type { KeyRecord } from '../../../src/keys/types.js';
import type { RotationPolicy } from '../../../src/config.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const at = (days: number) => new Date(T0 + days * DAY);
const key = (kid: string, state: KeyRecord['state'], fields: Partial<KeyRecord>): KeyRecord => ({ kid, state, certPem: '', location: 'sealed', sealedPrivateKey: '', createdAt: at(0), ...fields });
const POLICY: RotationPolicy = { rotateEveryMs: 90 * DAY, nextMinAgeMs: 14 * DAY, revokePreviousAfterMs: 30 * DAY, checkIntervalMs: 60_000 };
const WINDOW = { longestLifetimeSeconds: 86_400, clockSkewSeconds: 180 };

describe('rotation policy (pure)', () => {
  it('rotation is due at current_since + ROTATE_EVERY, but never before the next key is NEXT_MIN_AGE old', () => {
    const keys = [key('c', 'current', { currentSince: at(0) }), key('n', 'next', { createdAt: at(0) })];
    expect(nextRotationAt(keys, POLICY)).to.deep.equal(at(90));
    expect(isRotationDue(keys, POLICY, at(89.9))).to.equal(false);
    expect(isRotationDue(keys, POLICY, at(90))).to.equal(true);
    const youngNext = [keys[0]!, key('n', 'next', { createdAt: at(85) })];
    expect(nextRotationAt(youngNext, POLICY)).to.deep.equal(at(99));
    expect(isRotationDue(youngNext, POLICY, at(95))).to.equal(false);
    expect(nextRotationAt(keys, { ...POLICY, rotateEveryMs: undefined }), 'manual only').to.equal(undefined);
  });

  it('revocation is due at current_until + REVOKE_PREVIOUS_AFTER, never before revocable_at', () => {
    const previous = key('p', 'previous', { currentSince: at(0), currentUntil: at(90) });
    expect(revocationAt(previous, POLICY, WINDOW)).to.deep.equal(at(120));
    const soon = { ...POLICY, revokePreviousAfterMs: 60_000 };
    expect(revocationAt(previous, soon, WINDOW)).to.deep.equal(new Date(at(90).getTime() + (86_400 + 180) * 1000));
    expect(revocationAt(previous, { ...POLICY, revokePreviousAfterMs: undefined }, WINDOW), 'never').to.equal(undefined);
    expect(revocationAt(key('c', 'current', { currentSince: at(0) }), POLICY, WINDOW)).to.equal(undefined);
  });
});
