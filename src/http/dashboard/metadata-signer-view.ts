// The metadata-signing key as the Signing Keys page shows it: what signs metadata, its certificate
// (the one pinning service providers configure) and the downloads.
import type { Config } from '../../config.js';
import type { KeySetSnapshot } from '../../keys/keyring.js';
import { formatDate } from './format.js';
import { pathFor } from '../../route-paths.js';

export function metadataSignerView(snapshot: KeySetSnapshot, config: Config) {
  const certificate = snapshot.metadataSigner.published;
  return {
    dedicated: config.metadataSigner === 'dedicated',
    kid: certificate?.kid,
    fingerprint: certificate?.fingerprint,
    location: snapshot.metadataSigner.location,
    subject: certificate?.subject,
    certExpires: certificate && formatDate(certificate.notAfter),
    unavailable: config.metadataSigner === 'dedicated' ? snapshot.metadataSigner.unavailable : undefined,
    downloads: [
      { label: 'PEM', href: pathFor('metadata-signer-pem') },
      { label: 'CER', href: pathFor('metadata-signer-cer') },
    ],
  };
}
