// The key lifecycle as pure functions over a key set: no I/O, no clock, no randomness.
// The store runs one of these inside a transaction and writes back `changes` in order.
import { keyExists, keyNotFound, keySetCorrupt, keyStateConflict } from '../errors.js';
import type { KeyRecord } from './types.js';

export interface KeyPlan<R> {
  /** Records to write, in an order that never has two current or two next keys at once. */
  changes: KeyRecord[];
  result: R;
}

export type KeyEventType = 'keys_created' | 'key_rotated' | 'key_rotated_and_revoked' | 'key_revoked';

function single(keys: KeyRecord[], state: 'current' | 'next'): KeyRecord {
  const found = keys.filter((key) => key.state === state);
  if (found.length !== 1) {
    throw keySetCorrupt(`the key set has ${found.length} ${state} keys instead of one`);
  }
  return found[0]!;
}

/** First start: a current key and a next key. A no-op when the key set already exists. */
export function initialize(keys: KeyRecord[], current: KeyRecord, next: KeyRecord, now: Date): KeyPlan<boolean> {
  if (keys.length > 0) return { changes: [], result: false };
  return {
    changes: [
      { ...current, state: 'current', currentSince: now },
      { ...next, state: 'next' },
    ],
    result: true,
  };
}

/**
 * next → current, current → previous (or revoked when `revokePrevious`), `fresh` → next.
 * Returns the new current key.
 */
export function rotate(
  keys: KeyRecord[],
  fresh: KeyRecord,
  now: Date,
  revokePrevious = false,
): KeyPlan<{ current: KeyRecord; retired: KeyRecord }> {
  const current = single(keys, 'current');
  const next = single(keys, 'next');
  if (keys.some((key) => key.kid === fresh.kid)) {
    throw keyExists(`a key with kid ${fresh.kid} already exists`);
  }
  const retired: KeyRecord = revokePrevious
    ? { ...current, state: 'revoked', currentUntil: now, revokedAt: now }
    : { ...current, state: 'previous', currentUntil: now };
  const promoted: KeyRecord = { ...next, state: 'current', currentSince: now };
  const queued: KeyRecord = { ...fresh, state: 'next' };
  return { changes: [retired, promoted, queued], result: { current: promoted, retired } };
}

/** A rotation that changes nothing (its precondition no longer holds on the locked key set). */
export function noRotation(keys: KeyRecord[]): KeyPlan<{ current: KeyRecord; retired: KeyRecord }> {
  const current = single(keys, 'current');
  return { changes: [], result: { current, retired: current } };
}

/** Revoke a previous key. Current and next keys cannot be revoked; revocation is final. */
export function revoke(keys: KeyRecord[], kid: string, now: Date): KeyPlan<KeyRecord> {
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw keyNotFound(`No signing key with kid "${kid}"`);
  if (key.state === 'revoked') throw keyStateConflict(`Signing key "${kid}" is already revoked`);
  if (key.state !== 'previous') {
    throw keyStateConflict(`Signing key "${kid}" is the ${key.state} key; only a previous key can be revoked (rotate first)`);
  }
  const revoked: KeyRecord = { ...key, state: 'revoked', revokedAt: now };
  return { changes: [revoked], result: revoked };
}

const publishOrder: Record<KeyRecord['state'], number> = { current: 0, next: 1, previous: 2, revoked: 3 };

/** Current, then next, then previous keys (most recently retired first), then revoked. */
export function sortKeys(keys: KeyRecord[]): KeyRecord[] {
  return [...keys].sort(
    (a, b) =>
      publishOrder[a.state] - publishOrder[b.state] ||
      (b.currentUntil?.getTime() ?? 0) - (a.currentUntil?.getTime() ?? 0) ||
      b.createdAt.getTime() - a.createdAt.getTime(),
  );
}

/** The keys relying parties may trust: current, next and unrevoked previous keys. */
export function publishedKeys(keys: KeyRecord[]): KeyRecord[] {
  return sortKeys(keys).filter((key) => key.state !== 'revoked');
}
