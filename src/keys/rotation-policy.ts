// The rotation policy, pure: when the current key is due to be replaced (current_since +
// FEDMETA_ROTATE_EVERY, and never before the next key is FEDMETA_NEXT_MIN_AGE old) and when a
// previous key is due to be revoked (current_until + FEDMETA_REVOKE_PREVIOUS_AFTER, and never before
// the revoke guard's revocable_at). The scheduler acts on these; the policy API shows them.
import type { RotationPolicy } from '../config.js';
import { revocableAt, type RevokeWindow } from './revoke-guard.js';
import { rotatableAt } from './next-key-age.js';
import type { KeyRecord } from './types.js';

const later = (a: Date, b: Date | undefined): Date => (b && b.getTime() > a.getTime() ? b : a);

/** When the scheduler will rotate; undefined when rotation is manual only (or there is no current key). */
export function nextRotationAt(keys: KeyRecord[], policy: RotationPolicy): Date | undefined {
  const current = keys.find((key) => key.state === 'current');
  if (policy.rotateEveryMs === undefined || !current?.currentSince) return undefined;
  return later(new Date(current.currentSince.getTime() + policy.rotateEveryMs), rotatableAt(keys, policy.nextMinAgeMs));
}

export function isRotationDue(keys: KeyRecord[], policy: RotationPolicy, now: Date): boolean {
  const at = nextRotationAt(keys, policy);
  return at !== undefined && now.getTime() >= at.getTime();
}

/** When the scheduler will revoke a previous key; undefined for other keys or when it never revokes. */
export function revocationAt(key: KeyRecord, policy: RotationPolicy, window: RevokeWindow): Date | undefined {
  if (policy.revokePreviousAfterMs === undefined || key.state !== 'previous' || !key.currentUntil) return undefined;
  return later(new Date(key.currentUntil.getTime() + policy.revokePreviousAfterMs), revocableAt(key, window));
}

/** The previous keys the scheduler should revoke now, and each one's time (earliest first). */
export function scheduledRevocations(keys: KeyRecord[], policy: RotationPolicy, window: RevokeWindow): { kid: string; at: Date }[] {
  return keys
    .map((key) => ({ kid: key.kid, at: revocationAt(key, policy, window) }))
    .filter((entry): entry is { kid: string; at: Date } => entry.at !== undefined)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}
