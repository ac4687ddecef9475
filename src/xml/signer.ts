// The one signing path for every document fedmeta signs: enveloped XML-DSig signatures over typed
// nodes, digested and signed over the exact canonical bytes that are emitted (no parse, no second
// serialization). Incoming signatures are verified elsewhere (verifyXmlSignature, by xml-crypto).
import { createHash, sign as rsaSign, type KeyObject } from 'node:crypto';
import { canonicalize, element, type XmlElement, type XmlNode } from './canonical.js';
import { ALGORITHMS, DIGEST_ALGORITHMS, NS, SIGNATURE_ALGORITHMS } from './namespaces.js';
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
 * Signs the referenced elements and returns the document: the canonical form of its root. A signed
 * element inside the root is written in its ancestors' namespace context, exactly as it was digested;
 * the conformance suite (test/unit/xml/canonical-signer.test.ts) verifies every nested shape with
 * xml-crypto and xmlsec1, so no second serialization checks it here on every signature.
 */
export function signDocument(root: XmlElement, options: SignDocumentOptions): string {
  let document = root;
  for (const reference of options.references) {
    const prepared = prepareSignature(document, reference, options);
    document = insertSignature(prepared, options.signer.sign(prepared.signedInfoBytes, prepared.algorithm), options);
  }
  return canonicalize(document, { inclusivePrefixes: options.inclusivePrefixes });
}

/** signDocument with each RSA operation off the event loop where the signer can (signAsync); the same bytes. */
export async function signDocumentAsync(root: XmlElement, options: SignDocumentOptions): Promise<string> {
  const { signer } = options;
  let document = root;
  for (const reference of options.references) {
    const prepared = prepareSignature(document, reference, options);
    const value = signer.signAsync ? await signer.signAsync(prepared.signedInfoBytes, prepared.algorithm) : signer.sign(prepared.signedInfoBytes, prepared.algorithm);
    document = insertSignature(prepared, value, options);
  }
  return canonicalize(document, { inclusivePrefixes: options.inclusivePrefixes });
}

interface PreparedSignature {
  path: XmlElement[];
  reference: SignedReference;
  signedInfo: XmlElement;
  /** The canonical SignedInfo: what the RSA operation signs. */
  signedInfoBytes: Buffer;
  algorithm: SignatureAlgorithmName;
}

/** Digests the referenced element and builds the SignedInfo to be signed. */
function prepareSignature(root: XmlElement, reference: SignedReference, options: SignDocumentOptions): PreparedSignature {
  const path = pathToId(root, reference.idAttribute ?? 'ID', reference.id);
  const target = path.at(-1)!;
  const context = { inScope: inScopeAt(path) };
  // The enveloped-signature transform removes the Signature: the element before it is inserted is that.
  const digestValue = digest(canonicalize(target, { ...context, inclusivePrefixes: options.inclusivePrefixes }), options.digestAlgorithm ?? 'sha256');
  const signedInfo = signedInfoOf(reference.id, digestValue, options);
  return { path, reference, signedInfo, signedInfoBytes: Buffer.from(canonicalize(signedInfo), 'utf8'), algorithm: options.signatureAlgorithm ?? 'rsa-sha256' };
}

/** The new root: a copy with the referenced element signed (its ds:Signature inserted). */
function insertSignature(prepared: PreparedSignature, signatureValue: Buffer, options: SignDocumentOptions): XmlElement {
  const { path, reference, signedInfo } = prepared;
  const target = path.at(-1)!;
  const signature = ds('Signature', {}, [
    signedInfo,
    ds('SignatureValue', {}, [signatureValue.toString('base64')]),
    ds('KeyInfo', {}, [ds('X509Data', {}, [ds('X509Certificate', {}, [options.signer.certBase64])])]),
  ]);
  const children = [...target.children];
  const at = reference.position === 'end' ? children.length : reference.position;
  if (!Number.isInteger(at) || at < 0 || at > children.length) throw new Error(`signDocument: no child position ${at} in ${target.name}`);
  children.splice(at, 0, signature);
  return replaceAlong(path, { ...target, children });
}

function signedInfoOf(id: string, digestValue: string, options: SignDocumentOptions): XmlElement {
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

function ds(localName: string, attributes: Record<string, string>, children: XmlNode[] = []): XmlElement {
  return element(NS.ds, `ds:${localName}`, attributes, children);
}

function digest(canonical: string, algorithm: DigestAlgorithmName): string {
  return createHash(HASHES[algorithm]).update(canonical, 'utf8').digest('base64');
}

/** The elements from the root down to the one element whose `idAttribute` is `id` (exactly one must be). */
function pathToId(root: XmlElement, idAttribute: string, id: string): XmlElement[] {
  const found: XmlElement[][] = [];
  const visit = (node: XmlElement, path: XmlElement[]) => {
    const here = [...path, node];
    if (node.attributes.some((a) => a.name === idAttribute && a.value === id)) found.push(here);
    for (const child of node.children) if (typeof child !== 'string' && !('canonical' in child)) visit(child, here);
  };
  visit(root, []);
  if (found.length !== 1) throw new Error(`signDocument: ${found.length} elements have ${idAttribute}="${id}"`);
  return found[0]!;
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
function replaceAlong(path: readonly XmlElement[], replacement: XmlElement): XmlElement {
  let node = replacement;
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = path[i]!;
    const old = path[i + 1]!;
    node = { ...parent, children: parent.children.map((child) => (child === old ? node : child)) };
  }
  return node;
}
