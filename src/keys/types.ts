export type KeyState = 'current' | 'next' | 'previous' | 'revoked';

/** A signing key as the store keeps it. The private key is only ever held sealed here, or not at all (in a token). */
export interface KeyRecord {
  kid: string;
  state: KeyState;
  certPem: string;
  /** Where the private key lives: `sealed` (below) or `pkcs11:<token label>` (see keys/key-vault.ts). */
  location: string;
  /** Sealed keys only: AES-256-GCM envelope (see keys/seal.ts); never the private key in the clear. */
  sealedPrivateKey?: string | undefined;
  createdAt: Date;
  currentSince?: Date | undefined;
  currentUntil?: Date | undefined;
  revokedAt?: Date | undefined;
}

/** A freshly generated key before it enters the store. */
export interface NewKey {
  kid: string;
  certPem: string;
  privateKeyPem: string;
}
