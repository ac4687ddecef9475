import { expect } from 'chai';
import { initialize, publishedKeys, revoke, rotate } from '../../../src/keys/lifecycle.js';
import type { KeyRecord, KeyState } from '../../../src/keys/types.js';
import { statusAndCodeOf } from '../../helpers/errors.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-02-01T00:00:00Z');

const key = (kid: string, state: KeyState, extra: Partial<KeyRecord> = {}): KeyRecord => ({
  kid,
  state,
  certPem: `cert-${kid}`,
  location: 'sealed',
  sealedPrivateKey: `sealed-${kid}`,
  createdAt: t0,
  ...extra,
});


/** Apply a plan's changes to a key set, the way the store does. */
const apply = (keys: KeyRecord[], changes: KeyRecord[]) => {
  const byKid = new Map(keys.map((k) => [k.kid, k]));
  for (const change of changes) byKid.set(change.kid, change);
  return [...byKid.values()];
};

const states = (keys: KeyRecord[]) => Object.fromEntries(keys.map((k) => [k.kid, k.state]));

describe('key lifecycle (pure)', () => {
  it('initialize creates one current and one next key, and only on an empty set', () => {
    const plan = initialize([], key('a', 'next'), key('b', 'next'), t0);
    expect(plan.result).to.equal(true);
    expect(states(plan.changes)).to.deep.equal({ a: 'current', b: 'next' });
    expect(plan.changes[0]!.currentSince).to.equal(t0);
    expect(initialize(plan.changes, key('c', 'next'), key('d', 'next'), t1)).to.deep.equal({ changes: [], result: false });
  });

  it('rotate promotes next, retires current to previous and queues the fresh key', () => {
    const keys = [key('a', 'current', { currentSince: t0 }), key('b', 'next')];
    const plan = rotate(keys, key('c', 'next'), t1);
    const after = apply(keys, plan.changes);
    expect(states(after)).to.deep.equal({ a: 'previous', b: 'current', c: 'next' });
    expect(after.find((k) => k.kid === 'a')!.currentUntil).to.equal(t1);
    expect(after.find((k) => k.kid === 'b')!.currentSince).to.equal(t1);
    expect(plan.result.current.kid).to.equal('b');
    // The current key is demoted before the next one is promoted: no instant with two currents.
    expect(plan.changes.map((k) => k.kid)).to.deep.equal(['a', 'b', 'c']);
  });

  it('rotate with revokePrevious revokes the key that was current, in the same plan', () => {
    const keys = [key('a', 'current', { currentSince: t0 }), key('b', 'next'), key('z', 'previous')];
    const after = apply(keys, rotate(keys, key('c', 'next'), t1, true).changes);
    expect(states(after)).to.deep.equal({ a: 'revoked', b: 'current', c: 'next', z: 'previous' });
    expect(after.find((k) => k.kid === 'a')!.revokedAt).to.equal(t1);
  });

  it('rotate refuses a corrupt key set and a duplicate kid', () => {
    expect(statusAndCodeOf(() => rotate([key('b', 'next')], key('c', 'next'), t1))).to.equal('500:key_set_corrupt');
    expect(statusAndCodeOf(() => rotate([key('a', 'current'), key('b', 'next')], key('a', 'next'), t1))).to.equal('500:key_exists');
  });

  it('revoke only revokes previous keys: 404 unknown, 409 current, next and already revoked', () => {
    const keys = [key('a', 'current'), key('b', 'next'), key('p', 'previous'), key('r', 'revoked', { revokedAt: t0 })];
    expect(states(revoke(keys, 'p', t1).changes)).to.deep.equal({ p: 'revoked' });
    expect(revoke(keys, 'p', t1).result.revokedAt).to.equal(t1);
    expect(statusAndCodeOf(() => revoke(keys, 'nope', t1))).to.equal('404:key_not_found');
    expect(statusAndCodeOf(() => revoke(keys, 'a', t1))).to.equal('409:key_state_conflict');
    expect(statusAndCodeOf(() => revoke(keys, 'b', t1))).to.equal('409:key_state_conflict');
    expect(statusAndCodeOf(() => revoke(keys, 'r', t1))).to.equal('409:key_state_conflict');
  });

  it('publishes current, next, then previous keys most recently retired first, never revoked ones', () => {
    const keys = [
      key('old', 'previous', { currentUntil: t0 }),
      key('r', 'revoked', { revokedAt: t1 }),
      key('n', 'next'),
      key('recent', 'previous', { currentUntil: t1 }),
      key('c', 'current'),
    ];
    expect(publishedKeys(keys).map((k) => k.kid)).to.deep.equal(['c', 'n', 'recent', 'old']);
  });
});
