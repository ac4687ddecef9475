// Key operations shared by the Management API, the dashboard and the CLI: generate outside the
// transaction (RSA generation is slow), then let the store apply a pure lifecycle plan atomically.
import type { Config } from '../config.js';
import { type Actor, type AuditInput } from '../audit/types.js';
import type { KeyStore } from './key-store.js';
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { BucketDecision } from '../limits/token-bucket.js';
import { rateLimitHeaders } from '../limits/token-bucket.js';
import { FedmetaError, keyNotFound, tooManyRequests } from '../errors.js';
import type { KeyVault } from './key-vault.js';
import { destroyRevokedKey, discardUnusedKey } from './token-cleanup.js';
import { initialize, noRotation, revoke, rotate, sortKeys } from './lifecycle.js';
import type { KeyRecord } from './types.js';
import type { ApplicationStore } from '../clients/application-store.js';
import { checkRevocable, revocableAt, revokeWindow, type RevokeCheck, type RevokeWindow } from './revoke-guard.js';
import { toKeyObject, type KeyObject } from './key-object.js';
import type { PublishedKeyCache } from './formats.js';
import type { Clock } from '../clock.js';
import { checkNextKeyAge, tooYoungDetails, type NextKeyAgeCheck } from './next-key-age.js';
import { renewPlan, type RenewalResult } from './renewal.js';

export const ROTATION_BUCKET = 'signing_keys';
/** The emergency rotate-and-revoke has an allowance of its own: plain rotations and revocations never spend it. */
export const EMERGENCY_ROTATION_BUCKET = 'signing_keys_emergency';

export interface KeyServiceDeps {
  config: Config;
  /** Applications: the revoke guard's window is the longest assertion lifetime of any of them. */
  store: KeyStore & Pick<RateLimitStore, 'peekRateLimit'> & Pick<AuditStore, 'appendAudit'> & Pick<ApplicationStore, 'listApplications'>;
  /** Opens stored keys and makes new ones (sealed, or in the PKCS#11 token). */
  vault: KeyVault;
  /** FEDMETA_PKCS11_KEEP_REVOKED: keep a revoked key's private object in the token. */
  keepRevoked?: boolean;
  clock: Clock;
  /** Called after a committed change, so this process serves it at once. */
  afterChange?: () => Promise<unknown>;
}

export interface KeyChangeResult {
  key: KeyRecord;
  rate?: BucketDecision | undefined;
  /** false when `onlyIf` found the rotation no longer due (another instance did it): nothing changed. */
  changed?: boolean;
}

export interface RotateOptions {
  actor: Actor;
  revokePrevious?: boolean;
  rateLimited?: boolean;
  force?: boolean;
  auditDetails?: Record<string, unknown>;
  /** Checked on the locked key set inside the transaction: false changes nothing (the scheduler's exactly-once). */
  onlyIf?: (keys: KeyRecord[]) => boolean;
}

export class KeyService {
  constructor(private readonly deps: KeyServiceDeps) {}

  private async newRecord(): Promise<KeyRecord> {
    const { config, vault, clock } = this.deps;
    const now = clock.now();
    const fresh = await vault.generate({ modulusLength: config.keySize, commonName: config.issuerHost, validityDays: config.certDays, now });
    return { ...fresh, state: 'next', createdAt: now };
  }

  private rateLimit(limited: boolean, emergency = false) {
    if (!limited) return undefined;
    return emergency
      ? { bucket: EMERGENCY_ROTATION_BUCKET, policy: this.deps.config.emergencyRotationRateLimit }
      : { bucket: ROTATION_BUCKET, policy: this.deps.config.rotationRateLimit };
  }

  /** Refuse early (before generating a key) when the shared bucket is already empty. */
  private async precheck(limited: boolean, emergency = false): Promise<void> {
    const rateLimit = this.rateLimit(limited, emergency);
    if (!rateLimit) return;
    const decision = await this.deps.store.peekRateLimit(rateLimit, this.deps.clock.now());
    if (!decision.allowed) {
      throw tooManyRequests(`Too many signing key changes; retry in ${decision.retryAfterSeconds} s`, rateLimitHeaders(decision));
    }
  }

  async list(): Promise<KeyRecord[]> {
    return sortKeys(await this.deps.store.listKeys());
  }

  async get(kid: string): Promise<KeyRecord> {
    const key = (await this.deps.store.listKeys()).find((candidate) => candidate.kid === kid);
    if (!key) throw keyNotFound(`No signing key with kid "${kid}"`);
    return key;
  }

  /** How long after current_until a previous key stays in use (from the applications and the token lifetime). */
  async revokeWindow(): Promise<RevokeWindow> {
    return revokeWindow(await this.deps.store.listApplications(), this.deps.config.accessTokenLifetimeSeconds);
  }

  /** Key objects (Management API, CLI --json) with revocable_at on previous keys. */
  async keyObjects(forms: PublishedKeyCache, records?: KeyRecord[]): Promise<KeyObject[]> {
    const window = await this.revokeWindow();
    return (records ?? (await this.list())).map((record) => toKeyObject(record, forms, revocableAt(record, window)));
  }

  /** First start: a current and a next key. Concurrent first starts create exactly one pair. */
  async ensureInitialKeys(actor: Actor): Promise<boolean> {
    if ((await this.deps.store.listKeys()).length > 0) return false;
    const [current, next] = await Promise.all([this.newRecord(), this.newRecord()]);
    const now = this.deps.clock.now();
    const { result } = await this.deps.store.changeKeys({
      now,
      plan: (keys) => initialize(keys, current, next, now),
      audit: (): AuditInput[] => [
        { event: 'keys_created', description: 'Created the first current and next signing keys', actor, details: { current: current.kid, next: next.kid } },
      ],
    });
    if (!result) for (const unused of [current, next]) discardUnusedKey(this.deps.vault, unused);
    await this.deps.afterChange?.();
    return result;
  }

  /**
   * Rotate. While the next key is younger than FEDMETA_NEXT_MIN_AGE: 409 next_key_too_young, unless
   * `force` (audited as forced); the emergency rotate-and-revoke is exempt.
   */
  async rotate(options: RotateOptions): Promise<KeyChangeResult> {
    const limited = options.rateLimited ?? true;
    const revokePrevious = options.revokePrevious ?? false;
    await this.precheck(limited, revokePrevious);
    const fresh = await this.newRecord();
    const now = this.deps.clock.now();
    let promoting: string | undefined;
    let age: NextKeyAgeCheck = { forced: false };
    let changed = false;
    const change = this.deps.store.changeKeys({
      now,
      rateLimit: this.rateLimit(limited, revokePrevious),
      plan: (keys) => {
        changed = options.onlyIf?.(keys) ?? true;
        if (!changed) return noRotation(keys);
        if (!revokePrevious) age = checkNextKeyAge(keys, now, this.deps.config.rotationPolicy.nextMinAgeMs, options.force ?? false);
        const plan = rotate(keys, fresh, now, revokePrevious);
        // Open the next key before promoting it: a key that cannot sign must never become current
        // (503 key_unavailable rolls the whole transaction back, the allowance included).
        promoting = plan.result.current.kid;
        this.deps.vault.open(plan.result.current);
        return plan;
      },
      audit: ({ current, retired }): AuditInput[] => [
        revokePrevious
          ? {
              event: 'key_rotated_and_revoked',
              description: `Emergency rotation: ${current.kid} is now current, ${retired.kid} is revoked`,
              actor: options.actor,
              details: { current: current.kid, revoked: retired.kid, next: fresh.kid, ...options.auditDetails },
            }
          : {
              event: 'key_rotated',
              description: `Rotated signing key: ${current.kid} is now current, ${retired.kid} is previous`,
              actor: options.actor,
              details: { current: current.kid, previous: retired.kid, next: fresh.kid, ...tooYoungDetails(age), ...options.auditDetails },
            },
      ],
    });
    const { result, rate } = await change.catch(async (error: unknown) => {
      if (error instanceof FedmetaError && error.code === 'key_unavailable' && promoting) {
        // Best effort: the refusal itself is what the caller must see.
        await this.deps.store.appendAudit(
          {
            event: 'key_rotation_failed',
            description: `${revokePrevious ? 'Emergency rotation' : 'Rotation'} refused: the next signing key ${promoting} cannot be opened; nothing changed`,
            actor: options.actor,
            details: { next: promoting, reason: 'key_unavailable', revoke_previous: revokePrevious },
          },
          this.deps.clock.now(),
        ).catch((auditError: unknown) => console.error(`fedmeta: could not audit the refused rotation: ${(auditError as Error).message}`));
      }
      discardUnusedKey(this.deps.vault, fresh);
      throw error;
    });
    if (!changed) discardUnusedKey(this.deps.vault, fresh);
    if (changed) await this.deps.afterChange?.();
    if (changed && revokePrevious) await destroyRevokedKey(this.deps, result.retired, options.actor);
    return { key: result.current, rate, changed };
  }

  /**
   * Revoke a previous key. Before its revocable_at: 409 key_still_in_use, unless `force` (audited as
   * forced). The guard is checked on the locked key set, inside the transaction.
   */
  async revoke(kid: string, options: { actor: Actor; rateLimited?: boolean; force?: boolean }): Promise<KeyChangeResult> {
    const limited = options.rateLimited ?? true;
    await this.precheck(limited);
    const window = await this.revokeWindow();
    const now = this.deps.clock.now();
    let check: RevokeCheck = { forced: false };
    const { result, rate } = await this.deps.store.changeKeys({
      now,
      rateLimit: this.rateLimit(limited),
      plan: (keys) => {
        check = checkRevocable(keys, kid, now, window, options.force ?? false);
        return revoke(keys, kid, now);
      },
      audit: (key): AuditInput[] => [revokedEntry(key, check, options.actor)],
    });
    await this.deps.afterChange?.();
    await destroyRevokedKey(this.deps, result, options.actor);
    return { key: result, rate };
  }

  /**
   * A new certificate over `kid`'s key pair, valid `days` from now (same kid, new x5c/x5t/fingerprint),
   * in one transaction with its audit entry. `replacing` (the scheduler's) makes it idempotent: when
   * that certificate was already replaced, nothing changes (renewed: false).
   */
  async renewCertificate(kid: string, days: number, actor: Actor, replacing?: string): Promise<RenewalResult> {
    const record = await this.get(kid);
    const expected = replacing ?? record.certPem;
    const now = this.deps.clock.now();
    const certPem = this.deps.vault.renewCertificate(record, { commonName: this.deps.config.issuerHost, validityDays: days, now });
    const { result } = await this.deps.store.changeKeys({
      now,
      plan: (keys) => renewPlan(keys, kid, expected, certPem),
      audit: ({ key }): AuditInput[] => [
        { event: 'key_renewed', description: `Renewed the certificate of signing key ${key.kid} (${key.state}) for ${days} days`, actor, details: { kid: key.kid, state: key.state, days } },
      ],
    });
    if (result.renewed) await this.deps.afterChange?.();
    return result;
  }
}

function revokedEntry(key: KeyRecord, check: RevokeCheck, actor: Actor): AuditInput {
  const revocable = check.revocableAt?.toISOString();
  return check.forced
    ? {
        event: 'key_revoked',
        description: `Revoked signing key ${key.kid} (forced: before its revocable_at ${revocable})`,
        actor,
        details: { kid: key.kid, forced: true, revocable_at: revocable },
      }
    : { event: 'key_revoked', description: `Revoked signing key ${key.kid}`, actor, details: { kid: key.kid, forced: false } };
}
