// The metadata-signing key as the keyring holds it: its certificate's published forms (always, they
// are public) and its private key once unsealed. A key that does not open, or no key at all, leaves
// `unavailable` set: metadata signing then fails closed (503 key_unavailable), never falling back
// to another key.
import type { MetadataSignerStore } from './metadata-signer-store.js';
import type { CertificateForms, PublishedKeyCache } from './formats.js';
import type { KeyVault } from './key-vault.js';
import { signingKeyOf } from './signing-key.js';
import type { XmlSigner } from '../xml/signer.js';

export type PublishedCertificate = CertificateForms;

export interface MetadataSigningKey extends XmlSigner {
  kid: string;
  published: PublishedCertificate;
}

export interface MetadataSignerState {
  published?: PublishedCertificate | undefined;
  /** Where its private key lives: `sealed` or `pkcs11:<token>`. */
  location?: string | undefined;
  key?: MetadataSigningKey | undefined;
  /** Why metadata cannot be signed by the dedicated key. */
  unavailable?: string | undefined;
}

/** Read the active metadata signer; reuse `previous` when it is the same key and it opened. */
export async function loadMetadataSigner(
  store: Pick<MetadataSignerStore, 'activeMetadataSigner'>,
  vault: KeyVault,
  forms: PublishedKeyCache,
  previous?: MetadataSignerState,
): Promise<MetadataSignerState> {
  const record = await store.activeMetadataSigner();
  if (!record) return { unavailable: 'there is no metadata-signing key' };
  if (previous?.key && previous.key.kid === record.kid) return previous;
  const published = forms.certificate(record.kid, record.certPem);
  try {
    return { published, location: record.location, key: signingKeyOf(record.kid, published, vault.open(record, 'metadata-signing')) };
  } catch (error) {
    return { published, location: record.location, unavailable: (error as Error).message };
  }
}
