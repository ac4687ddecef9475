// Token objects follow the key set. A revoked key's private object is destroyed in the token (unless
// FEDMETA_PKCS11_KEEP_REVOKED=true) and the destruction is audited; a key pair generated in the token
// that never entered the store (a refused or redundant rotation, a lost first-start race) is destroyed
// at once. Sealed keys have nothing to destroy: revocation already takes them out of use.
import { type Actor } from '../audit/types.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { Clock } from '../clock.js';
import { SEALED, type KeyVault, type StoredKey } from './key-vault.js';

export interface TokenCleanupDeps {
  vault: KeyVault;
  keepRevoked?: boolean | undefined;
  store: Pick<AuditStore, 'appendAudit'>;
  clock: Clock;
}

export async function destroyRevokedKey(deps: TokenCleanupDeps, key: StoredKey, actor: Actor, what = 'revoked signing key'): Promise<void> {
  if (key.location === SEALED || deps.keepRevoked) return;
  let outcome: string;
  try {
    outcome = deps.vault.destroy(key);
  } catch (error) {
    outcome = 'failed';
    console.error(`fedmeta: could not destroy the private key of ${what} ${key.kid} in ${key.location}: ${(error as Error).message}`);
  }
  const description =
    outcome === 'destroyed'
      ? `Destroyed the private key of ${what} ${key.kid} in ${key.location}`
      : `The private key of ${what} ${key.kid} in ${key.location} was not destroyed (${outcome})`;
  await deps.store
    .appendAudit({ event: 'key_destroyed', description, actor, details: { kid: key.kid, location: key.location, outcome } }, deps.clock.now())
    .catch((error: unknown) => console.error(`fedmeta: could not audit the destruction of ${key.kid}: ${(error as Error).message}`));
}

/** Destroy a token key pair that never entered the store (best effort: an orphan object is harmless but untidy). */
export function discardUnusedKey(vault: KeyVault, key: StoredKey): void {
  if (key.location === SEALED) return;
  try {
    vault.destroy(key);
  } catch (error) {
    console.error(`fedmeta: could not destroy the unused key ${key.kid} in ${key.location}: ${(error as Error).message}`);
  }
}
