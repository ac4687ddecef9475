// Certificate downloads for manual upload (Auth0's CER, PEM, raw PEM, PB7 and fingerprint links).
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import type { PublishedKey } from '../keys/formats.js';
import { makeDocument, type PublishedDocument } from './document.js';

/** The published certificate forms; "pkcs7" is served at Auth0's /pb7 URL. */
export type CertificateFormat = 'cer' | 'pem' | 'rawpem' | 'pkcs7' | 'fingerprint';

function build(key: PublishedKey, format: CertificateFormat, config: Config): PublishedDocument {
  const attachment = (extension: string) => ({ 'Content-Disposition': `attachment; filename="${config.issuerHost}-${key.kid.slice(0, 8)}.${extension}"` });
  switch (format) {
    case 'cer':
      return makeDocument(key.certDer, 'application/pkix-cert', attachment('cer'));
    case 'pem':
      return makeDocument(key.certPem, 'application/x-pem-file', attachment('pem'));
    case 'rawpem':
      return makeDocument(key.certBase64, 'text/plain; charset=utf-8');
    case 'pkcs7':
      return makeDocument(key.pkcs7Pem, 'application/x-pkcs7-certificates', attachment('p7b'));
    case 'fingerprint':
      return makeDocument(key.fingerprint, 'text/plain; charset=utf-8');
  }
}

/** The document for `format` of a published key (the current one when kid is absent); undefined if not published. */
export function certificateDocument(
  snapshot: KeySetSnapshot,
  config: Config,
  format: CertificateFormat,
  kid?: string,
): PublishedDocument | undefined {
  const key = snapshot.byKid.get(kid ?? snapshot.signing.kid);
  if (!key) return undefined;
  return snapshot.once(`cert:${format}:${key.kid}`, () => build(key, format, config));
}
