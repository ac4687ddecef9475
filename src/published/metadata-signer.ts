// Who signs SAML and WS-Fed metadata, and the downloads of that certificate (/metadata-signer.pem,
// /metadata-signer.cer) that relying parties pin. FEDMETA_METADATA_SIGNER=dedicated (default): the
// metadata-signing key, which token-key rotations leave alone; =current: the current token key.
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import type { XmlSigner } from '../xml/signer.js';
import { keyUnavailable } from '../errors.js';
import { makeDocument, type PublishedDocument } from './document.js';

/** The key that signs metadata; 503 key_unavailable when it does not open (fail closed, no fallback). */
export function metadataSigningKey(snapshot: KeySetSnapshot, config: Config): XmlSigner {
  return config.metadataSigner === 'current' ? snapshot.signing : snapshot.metadataSigning;
}

export type MetadataSignerFormat = 'pem' | 'cer';

/** The certificate metadata is signed with (public: served even when its private key does not open). */
export function metadataSignerDocument(snapshot: KeySetSnapshot, config: Config, format: MetadataSignerFormat): PublishedDocument {
  const certificate = config.metadataSigner === 'current' ? snapshot.byKid.get(snapshot.currentKid) : snapshot.metadataSigner.published;
  if (!certificate) throw keyUnavailable(`There is no metadata-signing certificate: ${snapshot.metadataSigner.unavailable ?? 'not loaded'}`);
  const attachment = { 'Content-Disposition': `attachment; filename="${config.issuerHost}-metadata-signer.${format}"` };
  return snapshot.once(`metadata-signer:${format}`, () =>
    format === 'pem'
      ? makeDocument(certificate.certPem, 'application/x-pem-file', attachment)
      : makeDocument(certificate.certDer, 'application/pkix-cert', attachment),
  );
}
