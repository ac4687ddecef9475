// Outgoing HTTP-Redirect binding (SAML bindings 3.4): DEFLATE + base64 + URL-encoding, and the
// signature over `SAMLResponse=…&RelayState=…&SigAlg=…` exactly as it appears in the URL (3.4.4.1).
// A message sent this way carries no enveloped ds:Signature.
import { sign } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import type { XmlSigningKey } from '../xml/sign.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithmName } from '../xml/namespaces.js';

const DIGESTS: Record<SignatureAlgorithmName, string> = { 'rsa-sha256': 'sha256', 'rsa-sha1': 'sha1' };

export function signedRedirectUrl(
  location: string,
  parameter: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  options: { key: XmlSigningKey; relayState?: string | undefined; signatureAlgorithm: SignatureAlgorithmName },
): string {
  const parts = [`${parameter}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (options.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(options.relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(SIGNATURE_ALGORITHMS[options.signatureAlgorithm])}`);
  const signed = parts.join('&');
  const signature = sign(DIGESTS[options.signatureAlgorithm], Buffer.from(signed, 'ascii'), options.key.privateKey).toString('base64');
  const url = new URL(location);
  const query = `${signed}&Signature=${encodeURIComponent(signature)}`;
  return `${url.origin}${url.pathname}?${url.search ? `${url.search.slice(1)}&` : ''}${query}`;
}
