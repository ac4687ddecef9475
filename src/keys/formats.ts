// The one place that turns a key's certificate into every form it is published in:
// JWK (for the JWKS), PEM, raw PEM, DER, PKCS#7, fingerprints. Computed once per key.
import { createHash, X509Certificate } from 'node:crypto';
import { certsOnlyPkcs7, pemOf } from './pkcs7.js';
import type { KeyRecord, KeyState } from './types.js';

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
  x5c: [string];
  x5t: string;
  'x5t#S256': string;
}

export interface PublishedKey {
  kid: string;
  state: KeyState;
  certPem: string;
  certDer: Buffer;
  /** Base64 DER without armour or line breaks: raw PEM, x5c and ds:X509Certificate. */
  certBase64: string;
  pkcs7Pem: string;
  subject: string;
  notAfter: Date;
  /** SHA-1 of the DER certificate, upper-case hex with colons. */
  fingerprint: string;
  /** The same hex without colons. */
  thumbprint: string;
  jwk: PublicJwk;
}

export type CertificateForms = Omit<PublishedKey, 'state'>;

/** Published forms of a key, computed afresh (tests, benchmarks); the service uses a PublishedKeyCache. */
export function publishKey(record: Pick<KeyRecord, 'kid' | 'state' | 'certPem'>): PublishedKey {
  return { ...computeForms(record.kid, record.certPem), state: record.state };
}

/**
 * Published forms cached by kid; a renewal (new certificate over the same key pair, same kid)
 * replaces the entry. Owned by the running services.
 */
export class PublishedKeyCache {
  private readonly forms = new Map<string, { certPem: string; forms: CertificateForms }>();

  of(record: Pick<KeyRecord, 'kid' | 'state' | 'certPem'>): PublishedKey {
    return { ...this.certificate(record.kid, record.certPem), state: record.state };
  }

  /** A certificate's forms without a key state (the metadata-signing key's); rebuilt when the certificate changes. */
  certificate(kid: string, certPem: string): CertificateForms {
    let entry = this.forms.get(kid);
    if (!entry || entry.certPem !== certPem) {
      entry = { certPem, forms: computeForms(kid, certPem) };
      this.forms.set(kid, entry);
    }
    return entry.forms;
  }
}

function computeForms(kid: string, certPem: string): CertificateForms {
  const x509 = new X509Certificate(certPem);
  const certDer = Buffer.from(x509.raw);
  const sha1 = createHash('sha1').update(certDer).digest();
  const thumbprint = sha1.toString('hex').toUpperCase();
  const publicJwk = x509.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const certBase64 = certDer.toString('base64');
  return {
    kid,
    certPem: pemOf('CERTIFICATE', certDer),
    certDer,
    certBase64,
    pkcs7Pem: pemOf('PKCS7', certsOnlyPkcs7(certDer)),
    subject: `/${x509.subject.replace(/\n/g, '/')}`,
    notAfter: new Date(x509.validTo),
    fingerprint: thumbprint.replace(/(..)(?!$)/g, '$1:'),
    thumbprint,
    jwk: {
      kty: 'RSA',
      use: 'sig',
      alg: 'RS256',
      kid,
      n: publicJwk.n,
      e: publicJwk.e,
      x5c: [certBase64],
      x5t: sha1.toString('base64url'),
      'x5t#S256': createHash('sha256').update(certDer).digest('base64url'),
    },
  };
}
