// The exclusive canonical writer's rules, each checked against xml-crypto's ExclusiveCanonicalization
// of the parsed output (a canonical document canonicalizes to itself).
import { expect } from 'chai';
import { canonicalize } from '../../../src/xml/canonical.js';
import { element, type XmlElement } from '../../../src/xml/nodes.js';
import { signDocument, signerOf } from '../../../src/xml/signer.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { makeSigningKey } from '../../helpers/xml-tools.js';
import { oracleCanonical, parseDocument } from '../../helpers/signature-oracle.js';

const A = 'urn:a';
const B = 'urn:b';

function roundTrips(root: XmlElement, inclusivePrefixes: string[] = []): string {
  const xml = canonicalize(root, { inclusivePrefixes });
  expect(oracleCanonical(parseDocument(xml).documentElement!, inclusivePrefixes)).to.equal(xml);
  return xml;
}

describe('xml/canonical: exclusive canonical form by construction', () => {
  it('sorts attributes by namespace URI then local name, unqualified first, and namespace declarations by prefix', () => {
    const root: XmlElement = {
      name: 'z:root',
      ns: B,
      attributes: [
        { name: 'b', value: '1' },
        { name: 'y:c', ns: A, value: '2' },
        { name: 'a', value: '3' },
        { name: 'x:a', ns: B, value: '4' },
      ],
      children: [],
    };
    expect(roundTrips(root)).to.equal(`<z:root xmlns:x="urn:b" xmlns:y="urn:a" xmlns:z="urn:b" a="3" b="1" y:c="2" x:a="4"></z:root>`);
  });

  it('declares a namespace where it is first used, not again below, and not where it is only declared', () => {
    const root: XmlElement = {
      ...element(A, 'a:root', {}, [element(B, 'b:child', {}, [element(B, 'b:leaf', {}, ['t'])]), element(B, 'b:child')]),
      declarations: { b: B, unused: 'urn:unused' },
    };
    expect(roundTrips(root)).to.equal('<a:root xmlns:a="urn:a"><b:child xmlns:b="urn:b"><b:leaf>t</b:leaf></b:child><b:child xmlns:b="urn:b"></b:child></a:root>');
  });

  it('renders an InclusiveNamespaces prefix where it is in scope, even when only a value uses it', () => {
    const root: XmlElement = { ...element(A, 'a:root', {}, [element(A, 'a:v', { type: 'xs:string' })]), declarations: { xs: 'urn:xs' } };
    expect(roundTrips(root, ['xs'])).to.equal('<a:root xmlns:a="urn:a" xmlns:xs="urn:xs"><a:v type="xs:string"></a:v></a:root>');
    expect(roundTrips(root)).to.equal('<a:root xmlns:a="urn:a"><a:v type="xs:string"></a:v></a:root>');
  });

  it('handles a default namespace and undeclares it for an unqualified child', () => {
    const root = element(A, 'root', {}, [element('', 'plain', {}, [element(A, 'back')])]);
    expect(roundTrips(root)).to.equal('<root xmlns="urn:a"><plain xmlns=""><back xmlns="urn:a"></back></plain></root>');
  });

  it('escapes text (& < > CR) and attributes (& < " TAB LF CR) as C14N 1.0 does, and keeps astral characters', () => {
    const hostile = `<b>&amp;"' ]]> a\tb\nc\rd\r\n😀 𝔘`;
    const xml = roundTrips(element(A, 'a:e', { v: hostile }, [hostile]));
    expect(xml).to.equal(
      `<a:e xmlns:a="urn:a" v="&lt;b>&amp;amp;&quot;' ]]> a&#x9;b&#xA;c&#xD;d&#xD;&#xA;😀 𝔘">&lt;b&gt;&amp;amp;"' ]]&gt; a\tb\nc&#xD;d&#xD;\n😀 𝔘</a:e>`,
    );
    const parsed = parseDocument(xml).documentElement!;
    expect([parsed.getAttribute('v'), parsed.textContent]).to.deep.equal([hostile, hostile]);
  });

  it('refuses characters XML 1.0 cannot carry rather than emitting them', () => {
    for (const bad of ['\u0000', '\u0001', '\u001f', '\uFFFE', '\uFFFF', '\uD800', 'a\uDC00']) {
      expect(() => canonicalize(element(A, 'a:e', {}, [bad]))).to.throw(/cannot be carried by XML 1.0/);
      expect(() => canonicalize(element(A, 'a:e', { v: bad }))).to.throw(/cannot be carried by XML 1.0/);
    }
  });

  it('refuses a duplicate attribute and a prefix bound to no namespace', () => {
    expect(() => canonicalize({ name: 'a:e', ns: A, attributes: [{ name: 'v', value: '1' }, { name: 'v', value: '2' }], children: [] })).to.throw(/twice/);
    expect(() => canonicalize({ name: 'a:e', ns: '', attributes: [], children: [] })).to.throw(/no namespace/);
  });
});

describe('xml/signer: signDocument', () => {
  it('signs with any XmlSigner, puts the Signature at the given child position, and refuses an ID that is not exactly one element', async () => {
    const key = await makeSigningKey();
    const calls: string[] = [];
    const signer = { certBase64: key.published.certBase64, sign: (data: Buffer, algorithm: 'rsa-sha256' | 'rsa-sha1') => (calls.push(algorithm), signerOf(key).sign(data, algorithm)) };
    const root = element(A, 'a:root', { ID: '_r1' }, [element(A, 'a:first'), element(A, 'a:second')]);
    const xml = signDocument(root, { signer, references: [{ id: '_r1', position: 1 }], signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    expect(calls).to.deep.equal(['rsa-sha1']);
    expect(xml).to.match(/^<a:root xmlns:a="urn:a" ID="_r1"><a:first><\/a:first><ds:Signature xmlns:ds=/);
    expect(verifyXmlSignature(xml, [key.published.certBase64], { element: [[A, 'root']], allowSha1: true }).signedXml).to.equal(canonicalize(root));
    expect(() => signDocument(root, { signer, references: [{ id: '_nope', position: 0 }] })).to.throw(/0 elements/);
    const twice = element(A, 'a:root', { ID: '_r1' }, [element(A, 'a:x', { ID: '_r1' })]);
    expect(() => signDocument(twice, { signer, references: [{ id: '_r1', position: 0 }] })).to.throw(/2 elements/);
    expect(() => signDocument(root, { signer, references: [{ id: '_r1', position: 3 }] })).to.throw(/position/);
  });
});
