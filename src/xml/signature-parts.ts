// The parts of a ds:Signature that differ between signatures only in a few values: SignedInfo (the
// reference's ID and the digest) and KeyInfo (the certificate). Each is written by the canonical
// writer once, with marks where the values go, and filled in per signature (XML-DSig 4.3, 4.4).
import { escapeAttribute } from './c14n-text.js';
import { canonicalize, canonicalParts, type CanonicalParts } from './canonical.js';
import { element, type CanonicalXml, type XmlElement, type XmlNode } from './nodes.js';
import { ALGORITHMS, DIGEST_ALGORITHMS, NS, SIGNATURE_ALGORITHMS } from './namespaces.js';
import type { DigestAlgorithmName, SignatureAlgorithmName } from './namespaces.js';

/** The algorithms and the InclusiveNamespaces PrefixList a SignedInfo names. */
export interface SignedInfoChoice {
  signatureAlgorithm?: SignatureAlgorithmName | undefined;
  digestAlgorithm?: DigestAlgorithmName | undefined;
  inclusivePrefixes?: readonly string[] | undefined;
}

const KEY_INFOS = new Map<string, CanonicalXml>();

/**
 * ds:KeyInfo with the signing certificate, written once per certificate: as a child of the ds:Signature
 * it is always the same bytes, since the Signature renders ds and every inclusive prefix in scope.
 */
export function keyInfoOf(certBase64: string): CanonicalXml {
  let keyInfo = KEY_INFOS.get(certBase64);
  if (keyInfo === undefined) {
    const typed = ds('KeyInfo', {}, [ds('X509Data', {}, [ds('X509Certificate', {}, [certBase64])])]);
    keyInfo = { canonical: canonicalParts(ds('Signature', {}, [typed])).children[0]! };
    if (KEY_INFOS.size >= 32) KEY_INFOS.clear();
    KEY_INFOS.set(certBase64, keyInfo);
  }
  return keyInfo;
}

/**
 * ds:SignatureValue as a child of the ds:Signature: the value's base64 (XML-DSig 6.2) has nothing to
 * escape and, like KeyInfo, it declares nothing there, so it is written directly.
 */
export function signatureValueOf(signature: Buffer): CanonicalXml {
  return { canonical: `<ds:SignatureValue>${signature.toString('base64')}</ds:SignatureValue>` };
}

/** SignedInfo's canonical form (what is signed) and its node inside the ds:Signature. */
export function signedInfoForms(id: string, digestValue: string, options: SignedInfoChoice, parts: CanonicalParts): { apex: string; inSignature: XmlNode } {
  // An output ancestor that renders ec would take its declaration off ec:InclusiveNamespaces: typed, then.
  if (parts.renderedForChildren.has('ec')) {
    const typed = signedInfoOf(id, digestValue, options);
    return { apex: canonicalize(typed), inSignature: typed };
  }
  const template = signedInfoTemplate(options);
  return { apex: filled(template.apex, id, digestValue), inSignature: { canonical: filled(template.inSignature, id, digestValue) } };
}

function filled(pieces: readonly string[], id: string, digestValue: string): string {
  return pieces[0] + escapeAttribute(id) + pieces[1] + digestValue + pieces[2];
}

interface SignedInfoTemplate {
  /** The canonical SignedInfo cut around the reference's ID and the digest value. */
  apex: readonly string[];
  /** The same, written as a child of ds:Signature (which renders ds and every inclusive prefix in scope). */
  inSignature: readonly string[];
}

const SIGNED_INFO_TEMPLATES = new Map<string, SignedInfoTemplate>();
const ID_MARK = 'fedmetaReferenceIdMark';
const DIGEST_MARK = 'fedmetaDigestValueMark';

/**
 * SignedInfo differs between signatures only in the reference's ID and the digest: it is written by
 * the canonical writer once per choice of algorithms and prefixes, with marks where those go.
 */
function signedInfoTemplate(options: SignedInfoChoice): SignedInfoTemplate {
  const key = `${options.signatureAlgorithm ?? 'rsa-sha256'} ${options.digestAlgorithm ?? 'sha256'} ${(options.inclusivePrefixes ?? []).join(' ')}`;
  let template = SIGNED_INFO_TEMPLATES.get(key);
  if (template === undefined) {
    const marked = signedInfoOf(ID_MARK, DIGEST_MARK, options);
    const cut = (bytes: string) => {
      const [before, rest, ...extraId] = bytes.split(ID_MARK);
      const [between, after, ...extraDigest] = (rest ?? '').split(DIGEST_MARK);
      if (extraId.length > 0 || extraDigest.length > 0 || after === undefined) throw new Error('signedInfoTemplate: the marks must occur once each');
      return [before!, between!, after];
    };
    template = { apex: cut(canonicalize(marked)), inSignature: cut(canonicalParts(ds('Signature', {}, [marked])).children[0]!) };
    SIGNED_INFO_TEMPLATES.set(key, template);
  }
  return template;
}

export function signedInfoOf(id: string, digestValue: string, options: SignedInfoChoice): XmlElement {
  const prefixes = options.inclusivePrefixes ?? [];
  const excC14n = prefixes.length === 0 ? [] : [element(NS.excC14n, 'ec:InclusiveNamespaces', { PrefixList: prefixes.join(' ') })];
  return ds('SignedInfo', {}, [
    ds('CanonicalizationMethod', { Algorithm: ALGORITHMS.excC14n }),
    ds('SignatureMethod', { Algorithm: SIGNATURE_ALGORITHMS[options.signatureAlgorithm ?? 'rsa-sha256'] }),
    ds('Reference', { URI: `#${id}` }, [
      ds('Transforms', {}, [
        ds('Transform', { Algorithm: ALGORITHMS.envelopedSignature }),
        ds('Transform', { Algorithm: ALGORITHMS.excC14n }, excC14n),
      ]),
      ds('DigestMethod', { Algorithm: DIGEST_ALGORITHMS[options.digestAlgorithm ?? 'sha256'] }),
      ds('DigestValue', {}, [digestValue]),
    ]),
  ]);
}

export function ds(localName: string, attributes: Record<string, string>, children: XmlNode[] = []): XmlElement {
  return element(NS.ds, `ds:${localName}`, attributes, children);
}
