// Independent checks of a document fedmeta signed: xml-crypto's own exclusive c14n must reproduce
// the bytes we emitted and digested, xml-crypto and xmlsec1 (trusting only our certificate) must
// verify each signature. Used by the canonical signer conformance suite.
import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { expect } from 'chai';
import { ExclusiveCanonicalization } from 'xml-crypto';
import type { SigningKey } from '../../src/keys/keyring.js';
import { NS } from '../../src/xml/namespaces.js';
import { verifyXmlSignature } from '../../src/xml/sign.js';
import { xmlsecVerify } from './xml-tools.js';

export type Step = readonly [namespace: string, localName: string];

export interface ExpectedSignature {
  /** The signed element, from the root. */
  element: Step[];
  idAttribute?: string;
  /** What xmlsec1 is given (it verifies the first signature it meets): the document unless told. */
  forXmlsec?: (xml: string) => string;
  /**
   * The element or an ancestor renders a namespace that the element's (or its Signature's) canonical
   * form declares: the document carries them without that declaration, so their apex bytes are not in
   * the output as such (the digest and the verifiers are checked all the same).
   */
  declaredAbove?: boolean;
}

const HASHES: Record<string, string> = { [`${NS.ds}sha1`]: 'sha1', 'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256' };

export function parseDocument(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** xml-crypto's exclusive canonical form of an element (detached, so only its own declarations count). */
export function oracleCanonical(node: Element, inclusivePrefixes: readonly string[] = []): string {
  return new ExclusiveCanonicalization().process(node.cloneNode(true) as Element, { inclusiveNamespacesPrefixList: [...inclusivePrefixes] }) as string;
}

export function findSigned(doc: Document, steps: Step[]): Element {
  let node: Element = doc.documentElement!;
  expect([node.namespaceURI, node.localName]).to.deep.equal([...steps[0]!]);
  for (const [ns, localName] of steps.slice(1)) {
    const matches = Array.from(node.childNodes).filter((c): c is Element => c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === localName);
    expect(matches, localName).to.have.length(1);
    node = matches[0]!;
  }
  return node;
}

function own(parent: Element, localName: string): Element {
  const found = Array.from(parent.childNodes).find((c): c is Element => c.nodeType === 1 && (c as Element).namespaceURI === NS.ds && (c as Element).localName === localName);
  expect(found, `ds:${localName}`).to.not.equal(undefined);
  return found!;
}

/**
 * The signature's digest is over exactly the bytes we emitted for the element, without its
 * Signature; xml-crypto's c14n of the parsed element reproduces them; both verifiers accept it.
 */
export function checkSignature(xml: string, expected: ExpectedSignature, key: SigningKey, xmlsec: boolean): void {
  const doc = parseDocument(xml);
  const signed = findSigned(doc, expected.element);
  const signature = own(signed, 'Signature');
  const reference = signature.getElementsByTagNameNS(NS.ds, 'Reference')[0]!;
  const prefixList = signature.getElementsByTagNameNS(NS.excC14n, 'InclusiveNamespaces')[0]?.getAttribute('PrefixList');
  const prefixes = prefixList ? prefixList.split(' ') : [];

  const emitted = oracleCanonical(signed, prefixes);
  if (!expected.declaredAbove) expect(xml.includes(emitted), 'the signed element as xml-crypto canonicalizes it is in the output byte for byte').to.equal(true);
  const withoutSignature = signed.cloneNode(true) as Element;
  withoutSignature.removeChild(own(withoutSignature, 'Signature'));
  const digested = oracleCanonical(withoutSignature, prefixes);
  if (!expected.declaredAbove) expect(emitted.replace(oracleCanonical(signature), ''), 'the emitted bytes minus the Signature are the digested bytes').to.equal(digested);
  const digestMethod = reference.getElementsByTagNameNS(NS.ds, 'DigestMethod')[0]!.getAttribute('Algorithm')!;
  const digestValue = reference.getElementsByTagNameNS(NS.ds, 'DigestValue')[0]!.textContent;
  expect(createHash(HASHES[digestMethod]!).update(digested, 'utf8').digest('base64')).to.equal(digestValue);

  const verified = verifyXmlSignature(xml, [key.published.certBase64], { element: expected.element, maxBytes: 4 << 20, allowSha1: true, ...(expected.idAttribute ? { idAttribute: expected.idAttribute } : {}) });
  expect(verified.signedXml).to.equal(digested);
  if (!xmlsec) return;
  const idNode = `${expected.element.at(-1)![0]}:${expected.element.at(-1)![1]}`;
  const result = xmlsecVerify((expected.forXmlsec ?? ((x) => x))(xml), key.published.certPem, idNode, expected.idAttribute);
  expect(result.ok, result.output).to.equal(true);
}
