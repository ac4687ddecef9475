// The metadata-signing key's port: a dedicated key with a long-lived certificate that signs SAML and
// WS-Fed metadata (never a token-signing KeyDescriptor, never in the JWKS). One is active; a rotation
// retires it (rows are kept). Each backend implements this in its own file.
import type { AuditInput } from '../audit/types.js';

export interface MetadataSignerRecord {
  kid: string;
  certPem: string;
  /** Where the private key lives: `sealed` or `pkcs11:<token label>` (see keys/key-vault.ts). */
  location: string;
  /** Sealed keys only: AES-256-GCM envelope (keys/seal.ts) under metadataSignerSealId(kid). */
  sealedPrivateKey?: string | undefined;
  createdAt: Date;
  retiredAt?: Date | undefined;
}

export interface MetadataSignerChange {
  record: MetadataSignerRecord;
  /** false: only when none is active (first start, concurrent starts create one); true: retire the active one. */
  replace: boolean;
  audit: AuditInput;
  now: Date;
}

export interface MetadataSignerStore {
  activeMetadataSigner(): Promise<MetadataSignerRecord | undefined>;
  /**
   * In one transaction serialised with key changes: store the record as the active metadata signer,
   * bump the keys version (every instance re-signs its metadata) and audit. false when `replace` is
   * false and one is already active (nothing written).
   */
  putMetadataSigner(change: MetadataSignerChange): Promise<boolean>;
}

/** The sealing id: a metadata signer's sealed key does not open on a token-signing key's row, nor the reverse. */
export const metadataSignerSealId = (kid: string) => `metadata-signer:${kid}`;
