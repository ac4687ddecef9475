// The one signing path for every document fedmeta signs: enveloped XML-DSig signatures over typed
// nodes, digested and signed over the exact canonical bytes that are emitted (no parse, no second
// serialization). Incoming signatures are verified elsewhere (verifyXmlSignature, by xml-crypto).
import { createHash, sign as rsaSign, type KeyObject } from 'node:crypto';
import { canonicalize, canonicalParts, prefixesRenderedAbove, type CanonicalParts } from './canonical.js';
import type { CanonicalXml, XmlElement, XmlNode } from './nodes.js';
import { ds, keyInfoOf, signatureValueOf, signedInfoForms, signedInfoOf } from './signature-parts.js';
import type { DigestAlgorithmName, SignatureAlgorithmName } from './namespaces.js';
import type { XmlSigningKey } from './sign.js';

/** What signing needs: a key that signs bytes (in process, or later a PKCS#11 token) and its certificate. */
export interface XmlSigner {
  sign(data: Buffer, algorithm: SignatureAlgorithmName): Buffer;
  /**
   * The same signature made off the event loop (node's libuv thread pool), where the key allows it: a
   * sign-in then does not hold up other requests for the RSA operation. Absent: `sign` is used.
   */
  signAsync?(data: Buffer, algorithm: SignatureAlgorithmName): Promise<Buffer>;
  /** The signing certificate, base64 DER, for KeyInfo/X509Data. */
  certBase64: string;
}

const HASHES: Record<SignatureAlgorithmName | DigestAlgorithmName, string> = {
  'rsa-sha256': 'sha256',
  'rsa-sha1': 'sha1',
  sha256: 'sha256',
  sha1: 'sha1',
};

/** crypto.sign with a KeyObject, on the event loop. */
export function signInProcess(privateKey: KeyObject, data: Buffer, algorithm: SignatureAlgorithmName): Buffer {
  return rsaSign(HASHES[algorithm], data, privateKey);
}

/** crypto.sign with a KeyObject on the libuv thread pool. */
export function signOffLoop(privateKey: KeyObject, data: Buffer, algorithm: SignatureAlgorithmName): Promise<Buffer> {
  return new Promise((resolve, reject) => rsaSign(HASHES[algorithm], data, privateKey, (error, signature) => (error ? reject(error) : resolve(signature))));
}

/** An XmlSigner as is, or one over a keyring key: node's crypto.sign with the KeyObject (no PEM parsed per signature). */
export function signerOf(key: XmlSigningKey | XmlSigner): XmlSigner {
  if ('sign' in key) return key;
  return {
    certBase64: key.published.certBase64,
    sign: (data, algorithm) => signInProcess(key.privateKey, data, algorithm),
    signAsync: (data, algorithm) => signOffLoop(key.privateKey, data, algorithm),
  };
}

export interface SignedReference {
  /** The ID of the element to sign. */
  id: string;
  /** Its ID attribute: 'ID' for SAML 2.0 and metadata (the default), 'AssertionID' for SAML 1.1. */
  idAttribute?: string | undefined;
  /** Where ds:Signature goes among the signed element's children: an index (1: after the Issuer), or 'end'. */
  position: number | 'end';
}

export interface SignDocumentOptions {
  signer: XmlSigner;
  /** Signed in order: an inner element before the one that contains it. */
  references: readonly SignedReference[];
  signatureAlgorithm?: SignatureAlgorithmName | undefined;
  digestAlgorithm?: DigestAlgorithmName | undefined;
  /**
   * Prefixes exc-c14n must render although no element or attribute name uses them, e.g. xs used only
   * inside xsi:type values (Exclusive XML Canonicalization 1.0 section 3, InclusiveNamespaces); also
   * used for the output, so that every signed element's bytes appear in it as they were digested.
   */
  inclusivePrefixes?: readonly string[] | undefined;
}

/**
 * Signs the referenced elements and returns the document: the canonical form of its root. Each signed
 * element is written once, digested, and its bytes (with the Signature written among them) put in the
 * document as they are when they are exactly what writing the document would emit there; the
 * conformance suite (test/unit/xml/canonical-signer.test.ts) verifies every nested shape with
 * xml-crypto and xmlsec1.
 */
export function signDocument(root: XmlElement, options: SignDocumentOptions): string {
  let signed: SignedDocument = { root };
  for (const reference of options.references) {
    const prepared = prepareSignature(signed.root, reference, options);
    signed = insertSignature(prepared, options.signer.sign(prepared.signedInfoBytes, prepared.algorithm), options);
  }
  return signed.bytes ?? canonicalize(signed.root, { inclusivePrefixes: options.inclusivePrefixes });
}

/** signDocument with each RSA operation off the event loop where the signer can (signAsync); the same bytes. */
export async function signDocumentAsync(root: XmlElement, options: SignDocumentOptions): Promise<string> {
  const { signer } = options;
  let signed: SignedDocument = { root };
  for (const reference of options.references) {
    const prepared = prepareSignature(signed.root, reference, options);
    const value = signer.signAsync ? await signer.signAsync(prepared.signedInfoBytes, prepared.algorithm) : signer.sign(prepared.signedInfoBytes, prepared.algorithm);
    signed = insertSignature(prepared, value, options);
  }
  return signed.bytes ?? canonicalize(signed.root, { inclusivePrefixes: options.inclusivePrefixes });
}

interface SignedDocument {
  /** The document so far: signed elements are their canonical bytes, or typed with their Signature. */
  root: XmlElement;
  /** The whole document's canonical bytes, when its root was the last element signed. */
  bytes?: string | undefined;
}

interface PreparedSignature {
  path: XmlElement[];
  /** Where the Signature goes among the element's children. */
  at: number;
  /** The referenced element written once, as it was digested. */
  parts: CanonicalParts;
  /** Its bytes before and after the Signature's place. */
  head: string;
  tail: string;
  /** The referenced ID and the element's digest: what a typed SignedInfo is built from. */
  id: string;
  digestValue: string;
  /** SignedInfo as it is written inside the ds:Signature. */
  signedInfo: XmlNode;
  /** The canonical SignedInfo: what the RSA operation signs. */
  signedInfoBytes: Buffer;
  algorithm: SignatureAlgorithmName;
}

/** Digests the referenced element and builds the SignedInfo to be signed. */
function prepareSignature(root: XmlElement, reference: SignedReference, options: SignDocumentOptions): PreparedSignature {
  const path = pathToId(root, reference.idAttribute ?? 'ID', reference.id);
  const target = path.at(-1)!;
  const at = reference.position === 'end' ? target.children.length : reference.position;
  if (!Number.isInteger(at) || at < 0 || at > target.children.length) throw new Error(`signDocument: no child position ${at} in ${target.name}`);
  // The enveloped-signature transform removes the Signature: the element before it is inserted is that.
  const parts = canonicalParts(target, { inScope: inScopeAt(path), inclusivePrefixes: options.inclusivePrefixes });
  const head = parts.open + parts.children.slice(0, at).join('');
  const tail = parts.children.slice(at).join('') + parts.close;
  // Two updates, not one over head + tail: each flattens its string once, and the output reuses them.
  const digestValue = createHash(HASHES[options.digestAlgorithm ?? 'sha256']).update(head, 'utf8').update(tail, 'utf8').digest('base64');
  const { apex, inSignature } = signedInfoForms(reference.id, digestValue, options, parts);
  return { path, at, parts, head, tail, id: reference.id, digestValue, signedInfo: inSignature, signedInfoBytes: Buffer.from(apex, 'utf8'), algorithm: options.signatureAlgorithm ?? 'rsa-sha256' };
}

/** The document with the referenced element signed (its ds:Signature inserted); typed nodes are never mutated. */
function insertSignature(prepared: PreparedSignature, signatureValue: Buffer, options: SignDocumentOptions): SignedDocument {
  const { path, at, parts } = prepared;
  const target = path.at(-1)!;
  const value = signatureValueOf(signatureValue);
  const signature = signatureElement(prepared.signedInfo, value, options.signer.certBase64);
  const bytes = prepared.head + parts.writeChild(signature) + prepared.tail;
  if (path.length === 1) return { root: withChildAt(target, at, signature), bytes };
  if (standsAlone(path, parts, options)) return { root: replaceAlong(path, { canonical: bytes }) };
  // Written whole with the document: typed, so that the writer renders each declaration where it belongs.
  const typed = signatureElement(signedInfoOf(prepared.id, prepared.digestValue, options), value, options.signer.certBase64);
  return { root: replaceAlong(path, withChildAt(target, at, typed)) };
}

function signatureElement(signedInfo: XmlNode, signatureValue: CanonicalXml, certBase64: string): XmlElement {
  return ds('Signature', {}, [signedInfo, signatureValue, keyInfoOf(certBase64)]);
}

/**
 * Whether a nested signed element's bytes are its bytes in the document: unless an ancestor renders
 * a prefix they declare, or a default namespace. ds and ec count as declared: the Signature's
 * templates declare them without the writer recording it.
 */
function standsAlone(path: readonly XmlElement[], parts: CanonicalParts, options: SignDocumentOptions): boolean {
  for (const prefix of prefixesRenderedAbove(path, { inclusivePrefixes: options.inclusivePrefixes })) {
    if (prefix === '' || prefix === 'ds' || prefix === 'ec' || parts.renderedPrefixes.has(prefix)) return false;
  }
  return true;
}

function withChildAt(target: XmlElement, at: number, child: XmlNode): XmlElement {
  const children = [...target.children];
  children.splice(at, 0, child);
  return { ...target, children };
}

/** The elements from the root down to the one element whose `idAttribute` is `id` (exactly one must be). */
function pathToId(root: XmlElement, idAttribute: string, id: string): XmlElement[] {
  const found: XmlElement[][] = [];
  collectPaths(root, idAttribute, id, [], found);
  if (found.length !== 1) throw new Error(`signDocument: ${found.length} elements have ${idAttribute}="${id}"`);
  return found[0]!;
}

function collectPaths(node: XmlElement, idAttribute: string, id: string, path: XmlElement[], found: XmlElement[][]): void {
  path.push(node);
  for (const attribute of node.attributes) if (attribute.name === idAttribute && attribute.value === id) found.push([...path]);
  for (const child of node.children) if (typeof child !== 'string' && !('canonical' in child)) collectPaths(child, idAttribute, id, path, found);
  path.pop();
}

/** Declarations on the ancestors of the last element in `path`, nearest last (for inclusive prefixes). */
function inScopeAt(path: readonly XmlElement[]): ReadonlyMap<string, string> {
  const scope = new Map<string, string>();
  for (const ancestor of path.slice(0, -1)) {
    for (const [prefix, uri] of Object.entries(ancestor.declarations ?? {})) scope.set(prefix, uri);
    scope.set(ancestor.name.includes(':') ? ancestor.name.slice(0, ancestor.name.indexOf(':')) : '', ancestor.ns);
  }
  return scope;
}

/** A copy of the root with the last element of `path` replaced (typed nodes are never mutated). */
function replaceAlong(path: readonly XmlElement[], replacement: XmlNode): XmlElement {
  let node = replacement;
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = path[i]!;
    const old = path[i + 1]!;
    const replaced = node;
    node = { ...parent, children: parent.children.map((child) => (child === old ? replaced : child)) };
  }
  return node as XmlElement;
}
