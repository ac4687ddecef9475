// The rotation policy as the Management API (GET /api/v2/keys/signing/policy), the CLI (fedmeta keys
// policy) and the dashboard show it: the settings, the next scheduled rotation and revocations.
import type { Config, RotationPolicy } from '../config.js';
import type { KeyService } from './service.js';
import type { RevokeWindow } from './revoke-guard.js';
import type { KeyRecord } from './types.js';
import { nextRotationAt, scheduledRevocations } from './rotation-policy.js';

export interface RotationPolicyReport {
  /** FEDMETA_ROTATE_EVERY as configured (e.g. "90d"); null: manual rotation only. */
  rotate_every: string | null;
  next_min_age: string | null;
  revoke_previous_after: string | null;
  /** FEDMETA_ROTATION_REQUIRE_READY: a scheduled rotation waits until every relying party is ready. */
  require_ready: boolean;
  /** When the scheduler will rotate (it may wait longer for readiness); null: never by itself. */
  next_rotation_at: string | null;
  /** Previous keys the scheduler will revoke, earliest first. */
  scheduled_revocations: { kid: string; revoke_at: string }[];
}

const UNITS: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]];

/** 7776000000 → "90d", 43200000 → "12h", 1800000 → "30m". */
export function formatPolicyDuration(ms: number | undefined): string | null {
  if (ms === undefined || ms === 0) return null;
  const [unit, size] = UNITS.find(([, candidate]) => ms % candidate === 0) ?? ['m', 60_000];
  return `${Math.round(ms / size)}${unit}`;
}

export function rotationPolicyReport(keys: KeyRecord[], policy: RotationPolicy, window: RevokeWindow, requireReady: boolean): RotationPolicyReport {
  return {
    rotate_every: formatPolicyDuration(policy.rotateEveryMs),
    next_min_age: formatPolicyDuration(policy.nextMinAgeMs),
    revoke_previous_after: formatPolicyDuration(policy.revokePreviousAfterMs),
    require_ready: requireReady,
    next_rotation_at: nextRotationAt(keys, policy)?.toISOString() ?? null,
    scheduled_revocations: scheduledRevocations(keys, policy, window).map(({ kid, at }) => ({ kid, revoke_at: at.toISOString() })),
  };
}

/** The report for the keys in the store now. */
export async function currentRotationPolicy(keys: KeyService, config: Pick<Config, 'rotationPolicy' | 'rollover'>): Promise<RotationPolicyReport> {
  return rotationPolicyReport(await keys.list(), config.rotationPolicy, await keys.revokeWindow(), config.rollover.requireReady);
}
