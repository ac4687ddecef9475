// The key object of the Management API and `fedmeta keys list --json` (Auth0's shape).
import type { PublishedKeyCache } from './formats.js';
import type { KeyRecord } from './types.js';

export interface KeyObject {
  kid: string;
  cert: string;
  pkcs7: string;
  subject: string;
  fingerprint: string;
  thumbprint: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
  /** The certificate's notAfter. */
  expires_at: string;
  current_since?: string;
  current_until?: string;
  revoked_at?: string;
  /** Previous keys: when the revoke guard lets the key be revoked without force. */
  revocable_at?: string;
  /** Where the private key lives: `sealed` (in the store) or `pkcs11:<token label>` (an extra field, like revocable_at). */
  key_location: string;
}

export function toKeyObject(record: KeyRecord, publishedKeys: PublishedKeyCache, revocableAt?: Date): KeyObject {
  const forms = publishedKeys.of(record);
  return {
    kid: record.kid,
    cert: forms.certPem,
    pkcs7: forms.pkcs7Pem,
    subject: forms.subject,
    fingerprint: forms.fingerprint,
    thumbprint: forms.thumbprint,
    current: record.state === 'current',
    next: record.state === 'next',
    previous: record.state === 'previous',
    revoked: record.state === 'revoked',
    expires_at: forms.notAfter.toISOString(),
    ...(record.currentSince ? { current_since: record.currentSince.toISOString() } : {}),
    ...(record.currentUntil ? { current_until: record.currentUntil.toISOString() } : {}),
    ...(record.revokedAt ? { revoked_at: record.revokedAt.toISOString() } : {}),
    ...(revocableAt ? { revocable_at: revocableAt.toISOString() } : {}),
    key_location: record.location,
  };
}
