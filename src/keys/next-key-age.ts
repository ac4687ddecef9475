// The next key's least age (FEDMETA_NEXT_MIN_AGE): a next key must have been published this long
// before it may become current, so relying parties that poll metadata or JWKS have picked it up.
// Pure: checked by the key service on the locked key set, inside the key-change transaction.
import { nextKeyTooYoung } from '../errors.js';
import type { KeyRecord } from './types.js';

export interface NextKeyAgeCheck {
  rotatableAt?: Date | undefined;
  /** true when `force` let a rotation through before rotatable_at. */
  forced: boolean;
}

/** When the next key is old enough to become current; undefined when there is no next key. */
export function rotatableAt(keys: KeyRecord[], nextMinAgeMs: number): Date | undefined {
  const next = keys.find((key) => key.state === 'next');
  return next && new Date(next.createdAt.getTime() + nextMinAgeMs);
}

/** 409 next_key_too_young (with rotatable_at) while the next key is too young, unless forced. */
export function checkNextKeyAge(keys: KeyRecord[], now: Date, nextMinAgeMs: number, force: boolean): NextKeyAgeCheck {
  const at = rotatableAt(keys, nextMinAgeMs);
  if (!at || now.getTime() >= at.getTime()) return { rotatableAt: at, forced: false };
  if (force) return { rotatableAt: at, forced: true };
  throw nextKeyTooYoung(
    `The next signing key was published less than FEDMETA_NEXT_MIN_AGE ago; it may become current at ${at.toISOString()}; rotate then, or force it (?force=true, --force)`,
    { rotatable_at: at.toISOString() },
  );
}

/** Audit details of a forced rotation (none otherwise). */
export function tooYoungDetails(age: NextKeyAgeCheck): Record<string, unknown> {
  return age.forced ? { forced: true, rotatable_at: age.rotatableAt?.toISOString() } : {};
}
