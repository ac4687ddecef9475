// The rotation scheduler, a periodic job started by the server (it ticks at start, so a rotation that
// fell due while every instance was down happens then) and stopped on close. With FEDMETA_ROTATE_EVERY
// it rotates once the current key is due and the next key is old enough, following strict readiness
// (not ready: skipped and logged); with FEDMETA_REVOKE_PREVIOUS_AFTER it revokes previous keys that
// are due and past the revoke guard. Exactly once across instances: the due-check is repeated inside
// the key-change transaction, so an instance that lost the race changes nothing.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { KeyService } from './service.js';
import type { RolloverService } from '../rollover/service.js';
import { FedmetaError } from '../errors.js';
import { PeriodicJob } from '../periodic-job.js';
import { SCHEDULER_ACTOR } from './certificate-watch.js';
import { isRotationDue, scheduledRevocations } from './rotation-policy.js';

export interface RotationSchedulerDeps {
  config: Pick<Config, 'rotationPolicy'>;
  keys: KeyService;
  rollover: RolloverService;
  clock: Clock;
  /** Where skipped rotations and failed passes are reported (default console.warn / stderr). */
  warn?: (line: string) => void;
}

/** Refusals that mean "not now": the scheduler tries again at its next pass. */
const NOT_NOW = new Set(['rollover_not_ready', 'next_key_too_young', 'key_state_conflict', 'key_still_in_use']);

/** The scheduler's job: start({ runNow: true }) makes it tick at start; every FEDMETA_ROTATION_CHECK_INTERVAL_MS after. */
export function rotationScheduler(deps: RotationSchedulerDeps): PeriodicJob {
  return new PeriodicJob('rotation scheduler', deps.config.rotationPolicy.checkIntervalMs, async () => {
    await rotateIfDue(deps);
    await revokeDue(deps);
  }, deps.warn);
}

async function rotateIfDue(deps: RotationSchedulerDeps): Promise<void> {
  const { keys, rollover, clock, config } = deps;
  const policy = config.rotationPolicy;
  if (!isRotationDue(await keys.list(), policy, clock.now())) return;
  await rollover
    .rotate({ actor: SCHEDULER_ACTOR, rateLimited: false, auditDetails: { scheduled: true }, onlyIf: (locked) => isRotationDue(locked, policy, clock.now()) })
    .catch((error: unknown) => skip(deps, 'rotation', error));
}

async function revokeDue(deps: RotationSchedulerDeps): Promise<void> {
  const { keys, clock, config } = deps;
  if (config.rotationPolicy.revokePreviousAfterMs === undefined) return;
  const due = scheduledRevocations(await keys.list(), config.rotationPolicy, await keys.revokeWindow()).filter((entry) => entry.at.getTime() <= clock.now().getTime());
  for (const { kid } of due) {
    await keys.revoke(kid, { actor: SCHEDULER_ACTOR, rateLimited: false }).catch((error: unknown) => skip(deps, `revocation of ${kid}`, error));
  }
}

function skip(deps: RotationSchedulerDeps, what: string, error: unknown): void {
  if (!(error instanceof FedmetaError) || !NOT_NOW.has(error.code)) throw error;
  (deps.warn ?? console.warn)(`fedmeta: scheduled ${what} skipped (${error.code}): ${error.message}`);
}
