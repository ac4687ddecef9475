// XML-DSig verification by xml-crypto: every signature we accept is checked by verifyXmlSignature.
// fedmeta's own documents are signed by signDocument (signer.ts) over their canonical bytes.
// xml-crypto 6 has no defaults, so every algorithm is named here.
import { X509Certificate, type KeyObject } from 'node:crypto';
import { SignedXml } from 'xml-crypto';
import { ALGORITHMS, NS } from './namespaces.js';
import { XmlError } from '../errors.js';
import { childElements, parseUntrustedXml, rootElement } from './parse.js';

/** What signing needs of a key; a keyring SigningKey is one. */
export interface XmlSigningKey {
  privateKey: KeyObject;
  published: { certBase64: string };
}

export interface VerifyXmlOptions {
  /**
   * The element the signature must cover, as (namespace, local name) steps from the root; its
   * ds:Signature must be one of its own children (enveloped, SAML core 5.4.1).
   */
  element: Array<readonly [namespace: string, localName: string]>;
  idAttribute?: string;
  /** Input limit for the safe parser; 1 MiB unless told. */
  maxBytes?: number;
  /** Accept rsa-sha1 and the SHA-1 digest (only for a party registered for rsa-sha1); refused unless told. */
  allowSha1?: boolean;
  /** Names the setting that would allow SHA-1, for the refusal's message. */
  sha1Setting?: string;
}

export interface VerifiedXml {
  /** The canonical XML of the signed element: the only bytes a caller may trust. */
  signedXml: string;
  /** The trusted certificate that verified it. */
  certBase64: string;
}

/**
 * Verifies with the given certificates only (never one from KeyInfo) that the one signature
 * enveloped in the expected element references exactly that element by its ID.
 */
export function verifyXmlSignature(xml: string, certBase64s: string[], options: VerifyXmlOptions): VerifiedXml {
  const idAttribute = options.idAttribute ?? 'ID';
  const doc = parseUntrustedXml(xml, { maxBytes: options.maxBytes ?? 1024 * 1024 });
  const target = findElement(rootElement(doc), options.element);
  const id = target.getAttribute(idAttribute);
  if (!id) throw new XmlError('xml_signature_invalid', `the signed element has no ${idAttribute}`);
  const signatures = childElements(target, NS.ds, 'Signature');
  if (signatures.length !== 1) {
    throw new XmlError('xml_signature_missing', `expected one ds:Signature in the signed element, found ${signatures.length}`);
  }

  let problem = 'no trusted certificate';
  for (const certBase64 of certBase64s) {
    const verifier = new SignedXml({
      publicCert: new X509Certificate(Buffer.from(certBase64, 'base64')).publicKey,
      getCertFromKeyInfo: () => null,
      idAttribute: extraIdAttribute(idAttribute),
    });
    let valid = false;
    try {
      verifier.loadSignature(signatures[0]!);
      checkAlgorithms(verifier, options);
      valid = verifier.checkSignature(xml);
    } catch (error) {
      if (error instanceof XmlError) throw error;
      // xml-crypto's words (and the signature values they may quote) go to the log, never to the caller.
      problem = (error as Error).message.split('\n')[0]!.slice(0, 200);
      continue; // a wrong certificate, or a signature no certificate verifies
    }
    // checkSignature returns false when a digest does not match: no certificate will change that.
    if (!valid) {
      problem = 'a digest does not match';
      break;
    }
    const references = verifier.getReferences();
    const signed = verifier.getSignedReferences();
    if (references.length !== 1 || references[0]!.uri !== `#${id}` || signed.length !== 1) {
      throw new XmlError('xml_signature_invalid', 'the signature does not reference exactly the expected element');
    }
    return { signedXml: signed[0]!, certBase64 };
  }
  console.error(`fedmeta: XML signature rejected: ${problem}`);
  throw new XmlError('xml_signature_invalid', 'the signature does not verify');
}

// What an incoming signature may use: RSA only (an HMAC "keyed" with our trusted public certificate
// would be forgeable by anyone), with SHA-1 or SHA-2 digests.
const ACCEPTED_SIGNATURES = new Set([
  ALGORITHMS.rsaSha1,
  ALGORITHMS.rsaSha256,
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
]);
const ACCEPTED_DIGESTS = new Set([ALGORITHMS.sha1, ALGORITHMS.sha256, 'http://www.w3.org/2001/04/xmldsig-more#sha384', 'http://www.w3.org/2001/04/xmlenc#sha512']);

function checkAlgorithms(verifier: SignedXml, options: VerifyXmlOptions): void {
  const signatureAlgorithm = String(verifier.signatureAlgorithm);
  if (!ACCEPTED_SIGNATURES.has(signatureAlgorithm)) {
    throw new XmlError('xml_signature_invalid', 'the signature algorithm is not accepted');
  }
  const sha1Refused = () =>
    new XmlError(
      'xml_signature_algorithm_not_allowed',
      `SHA-1 signatures and digests are accepted only when ${options.sha1Setting ?? 'the signer'} is registered for rsa-sha1`,
    );
  if (signatureAlgorithm === ALGORITHMS.rsaSha1 && !options.allowSha1) throw sha1Refused();
  for (const reference of verifier.getReferences()) {
    const digestAlgorithm = String(reference.digestAlgorithm);
    if (!ACCEPTED_DIGESTS.has(digestAlgorithm)) {
      throw new XmlError('xml_signature_invalid', 'the digest algorithm is not accepted');
    }
    if (digestAlgorithm === ALGORITHMS.sha1 && !options.allowSha1) throw sha1Refused();
  }
}

function findElement(root: Element, steps: VerifyXmlOptions['element']): Element {
  const [first, ...rest] = steps;
  if (!first || root.namespaceURI !== first[0] || root.localName !== first[1]) {
    throw new XmlError('xml_unexpected_root', `unexpected root element ${root.localName}`);
  }
  let element = root;
  for (const [namespace, localName] of rest) {
    const matches = childElements(element, namespace, localName);
    if (matches.length !== 1) {
      throw new XmlError('xml_signature_invalid', `expected exactly one ${localName}, found ${matches.length}`);
    }
    element = matches[0]!;
  }
  return element;
}


/**
 * xml-crypto always looks for Id, ID and id and puts idAttribute in front of them; given one of those
 * it looks for that attribute twice, counts the signed element twice, and refuses it as a duplicate ID.
 */
export function extraIdAttribute(name: string): string | undefined {
  return ['Id', 'ID', 'id'].includes(name) ? undefined : name;
}
