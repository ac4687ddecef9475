// The metadata-signing key as a relying party sees it: the certificate at /metadata-signer.pem, and its
// kid (the RFC 7638 thumbprint of its public key, as `fedmeta metadata-signer show --json` prints it).
import { X509Certificate } from 'node:crypto';
import { expect } from 'chai';
import { calculateJwkThumbprint } from 'jose';
import type { TestServer } from './server.js';

export async function publishedMetadataSigner(server: TestServer): Promise<{ pem: string; kid: string }> {
  const response = await fetch(`${server.url}/metadata-signer.pem`);
  expect(response.status, '/metadata-signer.pem').to.equal(200);
  const pem = await response.text();
  // jose's RFC 7638 thumbprint, independent of fedmeta's.
  const kid = await calculateJwkThumbprint(new X509Certificate(pem).publicKey.export({ format: 'jwk' }), 'sha256');
  return { pem, kid };
}
