// The revoke guard: a previous key may not be revoked while something it signed can still be
// accepted, i.e. until its current_until plus the longest lifetime of anything it signs (the
// largest SAML / WS-Fed assertion lifetime of any application, the access-token lifetime) plus the
// allowed clock skew. Pure: the key service reads the applications and passes the window in.
import type { Application } from '../clients/types.js';
import { keyStillInUse } from '../errors.js';
import type { KeyRecord } from './types.js';

/** Clock skew a relying party may allow past NotOnOrAfter / exp (SAML's 180 s covers the token's 60 s). */
export const REVOKE_CLOCK_SKEW_SECONDS = 180;

export interface RevokeWindow {
  /** The longest time anything a key signed stays acceptable, in seconds. */
  longestLifetimeSeconds: number;
  clockSkewSeconds: number;
}

export function revokeWindow(applications: Application[], accessTokenLifetimeSeconds: number): RevokeWindow {
  const lifetimes = applications.flatMap((app) => [app.addons.samlp?.lifetimeInSeconds ?? 0, app.addons.wsfed?.lifetimeInSeconds ?? 0]);
  return { longestLifetimeSeconds: Math.max(accessTokenLifetimeSeconds, ...lifetimes), clockSkewSeconds: REVOKE_CLOCK_SKEW_SECONDS };
}

/** When a previous key may be revoked; undefined for keys that are not previous. */
export function revocableAt(key: KeyRecord, window: RevokeWindow): Date | undefined {
  if (key.state !== 'previous' || !key.currentUntil) return undefined;
  return new Date(key.currentUntil.getTime() + (window.longestLifetimeSeconds + window.clockSkewSeconds) * 1000);
}

export interface RevokeCheck {
  revocableAt?: Date | undefined;
  /** true when `force` let a revocation through before revocable_at. */
  forced: boolean;
}

/** 409 key_still_in_use (with revocable_at) before the key is revocable, unless forced. */
export function checkRevocable(keys: KeyRecord[], kid: string, now: Date, window: RevokeWindow, force: boolean): RevokeCheck {
  const key = keys.find((candidate) => candidate.kid === kid);
  const at = key && revocableAt(key, window);
  if (!at || now.getTime() >= at.getTime()) return { revocableAt: at, forced: false };
  if (force) return { revocableAt: at, forced: true };
  throw keyStillInUse(
    `Signing key "${kid}" may still have signed assertions or tokens that are accepted until ${at.toISOString()}; revoke it then, or force it (?force=true, --force)`,
    { revocable_at: at.toISOString() },
  );
}
