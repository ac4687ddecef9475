// New in-process signing keys (FEDMETA_KEY_BACKEND=sealed): the RSA pair comes from node:crypto
// (OpenSSL, off the event loop); certificate.ts builds the self-signed certificate around it.
import { generateKeyPair, createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { selfSignedCertificate, type CertificateOptions } from './certificate.js';
import type { NewKey } from './types.js';

const generateRsa = promisify(generateKeyPair);

export interface KeyGenerationOptions extends CertificateOptions {
  modulusLength: 2048 | 3072 | 4096;
}

/** RFC 7638 JWK thumbprint (base64url SHA-256) of an RSA public key: the required members e, kty, n in that order. */
export function rsaThumbprint(publicKey: KeyObject): string {
  const { e, n } = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ e, kty: 'RSA', n })).digest('base64url');
}

export async function generateSigningKey(options: KeyGenerationOptions): Promise<NewKey> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: options.modulusLength,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const key = createPrivateKey(privateKey);
  const publicKeyObject = createPublicKey(publicKey);
  const certPem = selfSignedCertificate(publicKeyObject, (data) => sign('sha256', data, key), options);
  return { kid: rsaThumbprint(publicKeyObject), certPem, privateKeyPem: privateKey };
}
