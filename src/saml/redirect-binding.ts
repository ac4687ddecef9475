// Outgoing HTTP-Redirect binding (SAML bindings 3.4): DEFLATE + base64 + URL-encoding, and the
// signature over `SAMLResponse=…&RelayState=…&SigAlg=…` exactly as it appears in the URL (3.4.4.1).
// A message sent this way carries no enveloped ds:Signature.
import { deflateRawSync } from 'node:zlib';
import type { XmlSigningKey } from '../xml/sign.js';
import { signerOf, type XmlSigner } from '../xml/signer.js';
import { SIGNATURE_ALGORITHMS, type SignatureAlgorithmName } from '../xml/namespaces.js';

export function signedRedirectUrl(
  location: string,
  parameter: 'SAMLRequest' | 'SAMLResponse',
  xml: string,
  options: { key: XmlSigningKey | XmlSigner; relayState?: string | undefined; signatureAlgorithm: SignatureAlgorithmName },
): string {
  const parts = [`${parameter}=${encodeURIComponent(deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64'))}`];
  if (options.relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(options.relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(SIGNATURE_ALGORITHMS[options.signatureAlgorithm])}`);
  const signed = parts.join('&');
  const signature = signerOf(options.key).sign(Buffer.from(signed, 'ascii'), options.signatureAlgorithm).toString('base64');
  const url = new URL(location);
  const query = `${signed}&Signature=${encodeURIComponent(signature)}`;
  return `${url.origin}${url.pathname}?${url.search ? `${url.search.slice(1)}&` : ''}${query}`;
}
