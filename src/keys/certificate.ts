// The self-signed X.509 certificate around a signing key's public key. node-forge builds the
// TBSCertificate; the key itself signs its DER (sha256WithRSAEncryption) wherever it lives: in this
// process (node:crypto over the unsealed key) or in a PKCS#11 token (C_Sign). First issue and renewal alike.
// node-forge is loaded on the first certificate: a server that makes none does not carry it.
import { randomBytes, type KeyObject } from 'node:crypto';
import type * as Forge from 'node-forge';
import { lazyRequire } from '../lazy-require.js';

const loadForge = lazyRequire<typeof Forge>('node-forge');

export interface CertificateOptions {
  /** Certificate subject CN (the issuer's host name). */
  commonName: string;
  validityDays: number;
  now: Date;
}

/** Signs bytes with the key's private key: RSA PKCS#1 v1.5 over SHA-256. */
export type SignSha256 = (data: Buffer) => Buffer;

export function selfSignedCertificate(publicKey: KeyObject, sign: SignSha256, options: CertificateOptions): string {
  const forge = loadForge();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // A positive 128-bit serial (RFC 5280 4.1.2.2: at most 20 octets, positive).
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(options.now.getTime() - 60_000);
  cert.validity.notAfter = new Date(options.now.getTime() + options.validityDays * 86_400_000);
  const name = [{ name: 'commonName', value: options.commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', critical: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  // What forge's cert.sign() does, with the signature made by `sign` instead of a forge private key.
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  // getTBSCertificate is public in node-forge (lib/x509.js) but missing from @types/node-forge.
  const tbs = (forge.pki as unknown as { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 }).getTBSCertificate(cert);
  (cert as unknown as { tbsCertificate: Forge.asn1.Asn1 }).tbsCertificate = tbs;
  cert.signature = sign(Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary')).toString('binary');
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}
