// A throttle that refuses is audited once an hour per bucket, not once per refused attempt, so a
// flood of blocked requests cannot flood the audit log (the marker is itself a shared bucket).
import type { RateLimitStore } from '../limits/rate-limit-store.js';
import type { AuditStore } from './audit-store.js';
import type { AuditInput } from './types.js';

const ONCE_AN_HOUR = { burst: 1, perDay: 24 };

export async function auditBlocked(
  store: Pick<RateLimitStore, 'takeRateLimit'> & Pick<AuditStore, 'appendAudit'>,
  bucket: string,
  entry: AuditInput,
  now: Date,
): Promise<void> {
  const first = await store.takeRateLimit({ bucket: `audited:${bucket}`, policy: ONCE_AN_HOUR }, now);
  if (first.allowed) await store.appendAudit(entry, now);
}
