// The metadata-signing key as the keyring holds it: its certificate's published forms (always, they
// are public) and its private key once unsealed. A key that does not open, or no key at all, leaves
// `unavailable` set: metadata signing then fails closed (503 key_unavailable), never falling back
// to another key.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { MetadataSignerStore } from './metadata-signer-store.js';
import { metadataSignerSealId, type MetadataSignerRecord } from './metadata-signer-store.js';
import type { CertificateForms, PublishedKeyCache } from './formats.js';
import { unseal } from './seal.js';
import { keyUnavailable } from '../errors.js';

export type PublishedCertificate = CertificateForms;

export interface MetadataSigningKey {
  kid: string;
  privateKey: KeyObject;
  published: PublishedCertificate;
}

export interface MetadataSignerState {
  published?: PublishedCertificate | undefined;
  key?: MetadataSigningKey | undefined;
  /** Why metadata cannot be signed by the dedicated key. */
  unavailable?: string | undefined;
}

export function openMetadataSigner(kek: Buffer, record: MetadataSignerRecord): KeyObject {
  try {
    return createPrivateKey(unseal(kek, metadataSignerSealId(record.kid), record.sealedPrivateKey));
  } catch {
    throw keyUnavailable(`The private key of metadata-signing key ${record.kid} cannot be opened (wrong FEDMETA_KEK, or the stored key is damaged)`);
  }
}

/** Read the active metadata signer; reuse `previous` when it is the same key and it opened. */
export async function loadMetadataSigner(
  store: Pick<MetadataSignerStore, 'activeMetadataSigner'>,
  kek: Buffer,
  forms: PublishedKeyCache,
  previous?: MetadataSignerState,
): Promise<MetadataSignerState> {
  const record = await store.activeMetadataSigner();
  if (!record) return { unavailable: 'there is no metadata-signing key' };
  if (previous?.key && previous.key.kid === record.kid) return previous;
  const published = forms.certificate(record.kid, record.certPem);
  try {
    return { published, key: { kid: record.kid, privateKey: openMetadataSigner(kek, record), published } };
  } catch (error) {
    return { published, unavailable: (error as Error).message };
  }
}
