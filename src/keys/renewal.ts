// Certificate renewal: a new self-signed certificate over a key's existing pair (same kid: the kid is
// the RFC 7638 thumbprint of the public key). The key signs its new certificate (KeyVault.renewCertificate,
// in process or in the token) outside the transaction; the plan below then swaps it in, pure and idempotent.
import { invalidBody, keyNotFound, keyStateConflict } from '../errors.js';
import type { KeyPlan } from './lifecycle.js';
import type { KeyRecord } from './types.js';

export interface RenewalResult {
  key: KeyRecord;
  /** false when the key's certificate had already been replaced (another instance renewed it). */
  renewed: boolean;
  /** The certificate that was replaced. */
  previousCertPem: string;
}

/**
 * Swap `kid`'s certificate for `certPem`. A revoked key is never renewed (409). When the stored
 * certificate is no longer `replacing`, someone renewed it in the meantime: nothing changes.
 */
export function renewPlan(keys: KeyRecord[], kid: string, replacing: string, certPem: string): KeyPlan<RenewalResult> {
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw keyNotFound(`No signing key with kid "${kid}"`);
  if (key.state === 'revoked') throw keyStateConflict(`Signing key ${kid} is revoked; a revoked key's certificate is never renewed`);
  if (key.certPem !== replacing) return { changes: [], result: { key, renewed: false, previousCertPem: replacing } };
  const renewed = { ...key, certPem };
  return { changes: [renewed], result: { key: renewed, renewed: true, previousCertPem: replacing } };
}

/** The validity of a renewed certificate in days: 1 to 36500, `fallback` (FEDMETA_CERT_DAYS) when absent. */
export function renewalDays(value: unknown, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const days = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 36500) throw invalidBody('days must be a whole number from 1 to 36500');
  return days;
}
