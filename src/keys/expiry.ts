// Certificate expiry, as pure functions over the published keys: which certificates expire within a
// number of days. /readyz, the dashboard banner and the expiry watch all ask here.
import type { KeyState } from './types.js';

const DAY_MS = 86_400_000;

export interface ExpiringCertificate {
  kid: string;
  state: KeyState;
  expiresAt: Date;
  /** Whole days left (0 when it expires today or has expired). */
  daysLeft: number;
  expired: boolean;
}

/** What readiness and the dashboard show: a stable code and a sentence. */
export interface ExpiryWarning {
  code: 'certificate_expiring';
  kid: string;
  expires_at: string;
  message: string;
}

/** Published (not revoked) keys whose certificate's notAfter falls within `days` of `now`. */
export function expiringCertificates(keys: { kid: string; state: KeyState; notAfter: Date }[], now: Date, days: number): ExpiringCertificate[] {
  const limit = now.getTime() + days * DAY_MS;
  return keys
    .filter((key) => key.state !== 'revoked' && key.notAfter.getTime() <= limit)
    .map((key) => ({
      kid: key.kid,
      state: key.state,
      expiresAt: key.notAfter,
      daysLeft: Math.max(0, Math.floor((key.notAfter.getTime() - now.getTime()) / DAY_MS)),
      expired: key.notAfter.getTime() <= now.getTime(),
    }));
}

export function expiryWarning(expiring: ExpiringCertificate): ExpiryWarning {
  const when = expiring.expiresAt.toISOString();
  const message =
    expiring.expired
      ? `The certificate of the ${expiring.state} signing key ${expiring.kid} expired on ${when}`
      : `The certificate of the ${expiring.state} signing key ${expiring.kid} expires on ${when} (${expiring.daysLeft} days left); renew it with fedmeta keys renew ${expiring.kid}`;
  return { code: 'certificate_expiring', kid: expiring.kid, expires_at: when, message };
}
