// Settings > Signing Keys: the key list, "Rotate Key", "Rotate & Revoke" and "Revoke" with their
// confirmation pages. Every change goes through KeyService with the rotation rate limit on, exactly
// like the Management API, so the audit log and the shared limit apply identically.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { KeyRecord } from '../../keys/types.js';
import type { PublishedKeyCache } from '../../keys/formats.js';
import { pathFor, type RouteName } from '../../route-paths.js';
import { ROTATION_BUCKET } from '../../keys/service.js';
import { revocableAt } from '../../keys/revoke-guard.js';
import { rotatableAt } from '../../keys/next-key-age.js';
import { currentRotationPolicy, type RotationPolicyReport } from '../../keys/policy-report.js';
import { metadataSignerView } from './metadata-signer-view.js';
import { FedmetaError, keySetIncomplete, keyStateConflict, keyStillInUse } from '../../errors.js';
import { adminActor, dashboardState } from './guard.js';
import type { DashboardPages } from './page.js';
import { formatDate, formatDuration, KEY_STATE_LABELS, plural } from './format.js';
import { readinessView } from './rollover.js';

const KEYS_PAGE = pathFor('dashboard-signing-keys');

const DOWNLOADS: { label: string; route: RouteName & `certificate-${string}` }[] = [
  { label: 'CER', route: 'certificate-cer' },
  { label: 'PEM', route: 'certificate-pem' },
  { label: 'raw PEM', route: 'certificate-rawpem' },
  { label: 'PKCS#7', route: 'certificate-pkcs7' },
];

/** The rotation policy line: "Next rotation on …" and the next scheduled revocation, as dates. */
function policyView(report: RotationPolicyReport) {
  const revocation = report.scheduled_revocations[0]?.revoke_at;
  return {
    ...report,
    nextRotation: report.next_rotation_at ? formatDate(new Date(report.next_rotation_at)) : undefined,
    nextRevocation: revocation ? formatDate(new Date(revocation)) : undefined,
  };
}

/** One key as the pages show it; a previous key before its revocable_at cannot be revoked (the reason is shown). */
export function keyView(record: KeyRecord, publishedKeys: PublishedKeyCache, guard?: { revocableAt: Date | undefined; now: Date }) {
  const forms = publishedKeys.of(record);
  const { kid } = record;
  const revocableAt = guard?.revocableAt;
  const waiting = revocableAt !== undefined && guard!.now.getTime() < revocableAt.getTime();
  const published = record.state !== 'revoked';
  return {
    kid: record.kid,
    state: record.state,
    label: KEY_STATE_LABELS[record.state],
    fingerprint: forms.fingerprint,
    location: record.location,
    subject: forms.subject,
    created: formatDate(record.createdAt),
    currentSince: record.currentSince && formatDate(record.currentSince),
    currentUntil: record.currentUntil && formatDate(record.currentUntil),
    revokedAt: record.revokedAt && formatDate(record.revokedAt),
    certExpires: formatDate(forms.notAfter),
    downloads: published ? DOWNLOADS.map(({ label, route }) => ({ label, href: pathFor(route, {}, { kid }) })) : [],
    revokeHref: record.state === 'previous' && !waiting ? pathFor('dashboard-revoke', { kid }) : undefined,
    revocableAt: revocableAt && formatDate(revocableAt),
    revocableAtIso: revocableAt?.toISOString(),
    revokeBlocked: waiting ? `Assertions and tokens this key signed may still be accepted until ${formatDate(revocableAt)} UTC.` : undefined,
  };
}

export function signingKeyHandlers({ keys, keyring, publishedKeys, store, config, clock, rollover }: AppDeps, pages: DashboardPages) {
  const policy = config.rotationRateLimit;

  async function rateStatus() {
    const decision = await store.peekRateLimit({ bucket: ROTATION_BUCKET, policy }, clock.now());
    return {
      remaining: decision.remaining,
      limit: decision.limit,
      perDay: policy.perDay,
      retryIn: decision.allowed ? undefined : formatDuration(decision.retryAfterSeconds),
    };
  }

  async function views(records: KeyRecord[]) {
    const window = await keys.revokeWindow();
    const now = clock.now();
    return records.map((record) => keyView(record, publishedKeys, { revocableAt: revocableAt(record, window), now }));
  }

  async function keySet() {
    const all = await views(await keys.list());
    const current = all.find((key) => key.state === 'current');
    const next = all.find((key) => key.state === 'next');
    if (!current || !next) throw keySetIncomplete('The key set has no current or next key');
    return { all, current, next, previous: all.filter((key) => key.state === 'previous') };
  }

  /** A refused change (rate limit, a key in the wrong state) comes back to the list as a readable message. */
  function refusal(error: unknown, emergency = false): string {
    if (!(error instanceof FedmetaError) || error.status >= 500) throw error;
    if (error.status === 429 && emergency) {
      const retry = Number(error.headers['Retry-After'] ?? 0);
      const own = config.emergencyRotationRateLimit;
      return `Nothing was changed: emergency rotations have their own allowance of ${plural(own.burst, 'time')} in a row (refilled by ${own.perDay} a day). Try again in ${formatDuration(retry)}.`;
    }
    if (error.status === 429) {
      const retry = Number(error.headers['Retry-After'] ?? 0);
      return (
        `Nothing was changed: signing keys may be rotated or revoked at most ${plural(policy.burst, 'time')} in a row ` +
        `(the allowance refills by ${policy.perDay} a day, shared with the Management API). Try again in ${formatDuration(retry)}.`
      );
    }
    return `Nothing was changed. ${error.message.replace(/\.?$/, '.')}`;
  }

  async function rotate(ctx: Context, revokePrevious: boolean): Promise<void> {
    let message: string;
    try {
      const before = (await keys.list()).find((key) => key.state === 'current')?.kid ?? '';
      const force = dashboardState(ctx).form.force === 'on';
      const { key, warnings } = await rollover.rotate({ actor: adminActor(ctx), revokePrevious, rateLimited: true, force });
      const notice = warnings.length ? ` ${warnings.length} relying part${warnings.length === 1 ? 'y' : 'ies'} did not trust it yet: check them below.` : '';
      message = (revokePrevious
        ? `Emergency rotation done: ${key.kid} is now the current key and ${before} is revoked.`
        : `Key rotated: ${key.kid} is now the current key; ${before} is previous and stays published until you revoke it.`) + notice;
    } catch (error) {
      return pages.redirect(ctx, KEYS_PAGE, 'error', refusal(error, revokePrevious));
    }
    pages.redirect(ctx, KEYS_PAGE, 'ok', message);
  }

  /** When the next key becomes old enough (FEDMETA_NEXT_MIN_AGE) to be rotated in, while it is not yet. */
  async function nextKeyTooYoungUntil(): Promise<string | undefined> {
    const at = rotatableAt(await keys.list(), config.rotationPolicy.nextMinAgeMs);
    return at && at.getTime() > clock.now().getTime() ? formatDate(at) : undefined;
  }

  return {
    list: async (ctx: Context) => {
      const { all } = await keySet();
      const metadataSigner = metadataSignerView(keyring.snapshot, config);
      const readiness = readinessView(await rollover.report());
      const policy = policyView(await currentRotationPolicy(keys, config));
      pages.render(ctx, 'signing-keys.html', 'signing-keys', { title: 'Signing Keys', keys: all, rate: await rateStatus(), metadataSigner, readiness, policy });
    },

    confirmRotate: (revokePrevious: boolean) => async (ctx: Context) => {
      const { current, next, previous } = await keySet();
      pages.render(ctx, 'confirm-rotate.html', 'signing-keys', {
        title: revokePrevious ? 'Rotate & Revoke' : 'Rotate Key',
        revokePrevious,
        current,
        next,
        previousCount: previous.length,
        cacheFor: formatDuration(config.metadataCacheSeconds),
        rate: await rateStatus(),
        readiness: readinessView(await rollover.report()),
        strict: config.rollover.requireReady && !revokePrevious,
        tooYoungUntil: revokePrevious ? undefined : await nextKeyTooYoungUntil(),
      });
    },

    rotate: (revokePrevious: boolean) => (ctx: Context) => rotate(ctx, revokePrevious),

    confirmRevoke: async (ctx: Context) => {
      const key = (await views([await keys.get(String(ctx.params.kid))]))[0]!;
      if (key.revokeBlocked) throw keyStillInUse(`Signing key "${key.kid}" cannot be revoked yet. ${key.revokeBlocked}`, { revocable_at: key.revocableAtIso! });
      if (key.state !== 'previous') {
        const why = key.state === 'revoked' ? 'is already revoked' : `is the ${key.state} key; only a previous key can be revoked`;
        throw keyStateConflict(`Signing key "${key.kid}" ${why}.`);
      }
      const { current } = await keySet();
      pages.render(ctx, 'confirm-revoke.html', 'signing-keys', { title: 'Revoke Key', key, current, rate: await rateStatus() });
    },

    revoke: async (ctx: Context) => {
      const kid = String(ctx.params.kid);
      try {
        await keys.revoke(kid, { actor: adminActor(ctx), rateLimited: true });
      } catch (error) {
        return pages.redirect(ctx, KEYS_PAGE, 'error', refusal(error));
      }
      pages.redirect(ctx, KEYS_PAGE, 'ok', `Key ${kid} is revoked: it is no longer published in the JWKS or metadata, and nothing it signed verifies any more.`);
    },
  };
}
