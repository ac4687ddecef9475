// New signing keys: the RSA pair comes from node:crypto (OpenSSL, off the event loop);
// node-forge only builds the self-signed X.509 certificate around it.
import { generateKeyPair, randomBytes, createPublicKey } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { NewKey } from './types.js';

const generateRsa = promisify(generateKeyPair);

export interface KeyGenerationOptions {
  modulusLength: 2048 | 3072 | 4096;
  /** Certificate subject CN (the issuer's host name). */
  commonName: string;
  validityDays: number;
  now: Date;
}

/** RFC 7638 JWK thumbprint (base64url SHA-256) of an RSA public key. */
export async function rsaThumbprint(publicKeyPem: string): Promise<string> {
  const jwk = createPublicKey(publicKeyPem).export({ format: 'jwk' }) as JWK;
  return calculateJwkThumbprint(jwk, 'sha256');
}

export async function generateSigningKey(options: KeyGenerationOptions): Promise<NewKey> {
  const { publicKey, privateKey } = await generateRsa('rsa', {
    modulusLength: options.modulusLength,
    publicExponent: 0x10001,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const certPem = selfSignedCertificate(publicKey, privateKey, options);
  return { kid: await rsaThumbprint(publicKey), certPem, privateKeyPem: privateKey };
}

export type CertificateOptions = Pick<KeyGenerationOptions, 'commonName' | 'validityDays' | 'now'>;

/** A new self-signed certificate over an existing RSA key pair (first issue and renewal alike). */
export function selfSignedCertificate(publicKeyPem: string, privateKeyPem: string, options: CertificateOptions): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
  // A positive 128-bit serial (RFC 5280 4.1.2.2: at most 20 octets, positive).
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = new Date(options.now.getTime() - 60_000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(options.now.getTime() + options.validityDays * 86_400_000);
  const name = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}
