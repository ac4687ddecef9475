import { codeOf } from '../../helpers/errors.js';
import { expect } from 'chai';
import { create } from 'xmlbuilder2';
import type { TestSigningKey as SigningKey } from '../../helpers/xml-tools.js';
import { ALGORITHMS, NS, elementPath } from '../../../src/xml/namespaces.js';
import { parseUntrustedXml } from '../../../src/xml/parse.js';
import { XmlError } from '../../../src/errors.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { signXml, type SignXmlOptions } from '../../helpers/xml-crypto-signer.js';
import { makeSigningKey, requireTool, xmlsecVerify } from '../../helpers/xml-tools.js';

const RESPONSE = elementPath([NS.samlp, 'Response']);
const ASSERTION = elementPath([NS.samlp, 'Response'], [NS.saml, 'Assertion']);
const ASSERTION_ISSUER = elementPath([NS.samlp, 'Response'], [NS.saml, 'Assertion'], [NS.saml, 'Issuer']);
const ASSERTION_STEPS = [
  [NS.samlp, 'Response'],
  [NS.saml, 'Assertion'],
] as const;

/** A SAML 2.0 Response-shaped document (not schema-complete; enough to sign and verify). */
function response(): string {
  const root = create().ele(NS.samlp, 'samlp:Response', { ID: '_response1', Version: '2.0' });
  root.ele(NS.saml, 'saml:Issuer').txt('urn:fedmeta.test');
  const assertion = root.ele(NS.saml, 'saml:Assertion', { ID: '_assertion1', Version: '2.0' });
  assertion.ele(NS.saml, 'saml:Issuer').txt('urn:fedmeta.test');
  assertion.ele(NS.saml, 'saml:Subject').ele(NS.saml, 'saml:NameID').txt('alice@example.com');
  return root.end({ headless: true });
}

function signAssertion(key: SigningKey, extra: Partial<SignXmlOptions> = {}): string {
  return signXml(response(), {
    key,
    reference: { xpath: ASSERTION },
    location: { reference: ASSERTION_ISSUER, action: 'after' },
    ...extra,
  });
}

const xmlCodeOf = (run: () => unknown) => codeOf(run, { type: XmlError });

describe('xml/sign: signXml and verifyXmlSignature', () => {
  let key: SigningKey;
  let other: SigningKey;

  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey('other.test')]);
  });

  it('signs with rsa-sha256, sha256, exc-c14n and enveloped + exc-c14n transforms, ds: prefix, X509Certificate in KeyInfo', () => {
    const doc = parseUntrustedXml(signAssertion(key), { maxBytes: 65536 });
    const signature = doc.getElementsByTagNameNS(NS.ds, 'Signature')[0]!;
    expect(signature.prefix).to.equal('ds');
    const algorithm = (local: string) =>
      Array.from(signature.getElementsByTagNameNS(NS.ds, local)).map((node) => node.getAttribute('Algorithm'));
    expect(algorithm('CanonicalizationMethod')).to.deep.equal([ALGORITHMS.excC14n]);
    expect(algorithm('SignatureMethod')).to.deep.equal([ALGORITHMS.rsaSha256]);
    expect(algorithm('DigestMethod')).to.deep.equal([ALGORITHMS.sha256]);
    expect(algorithm('Transform')).to.deep.equal([ALGORITHMS.envelopedSignature, ALGORITHMS.excC14n]);
    const references = signature.getElementsByTagNameNS(NS.ds, 'Reference');
    expect(references.length).to.equal(1);
    expect(references[0]!.getAttribute('URI')).to.equal('#_assertion1');
    const certificates = signature.getElementsByTagNameNS(NS.ds, 'X509Certificate');
    expect(Array.from(certificates).map((node) => node.textContent)).to.deep.equal([key.published.certBase64]);
  });

  it('places the signature where asked: here right after the Assertion Issuer (SAML core 5.4.1 order)', () => {
    const doc = parseUntrustedXml(signAssertion(key), { maxBytes: 65536 });
    const assertion = doc.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
    const children = Array.from(assertion.childNodes).filter((node) => node.nodeType === 1) as Element[];
    expect(children.map((node) => node.localName)).to.deep.equal(['Issuer', 'Signature', 'Subject']);
  });

  it('verifies with the trusted certificate and returns only the signed element canonicalized', () => {
    const verified = verifyXmlSignature(signAssertion(key), [key.published.certBase64], { element: [...ASSERTION_STEPS] });
    expect(verified.certBase64).to.equal(key.published.certBase64);
    expect(verified.signedXml).to.match(/^<saml:Assertion /);
    expect(verified.signedXml).to.contain('alice@example.com');
    expect(verified.signedXml).not.to.contain('_response1');
    expect(verified.signedXml).not.to.contain('<ds:Signature');
  });

  it('xmlsec1 agrees, trusting only the given certificate', function () {
    requireTool(this, 'xmlsec1');
    const result = xmlsecVerify(signAssertion(key), key.published.certPem, `${NS.saml}:Assertion`);
    expect(result.ok, result.output).to.equal(true);
    expect(xmlsecVerify(signAssertion(key), other.published.certPem, `${NS.saml}:Assertion`).ok).to.equal(false);
  });

  it('signs with rsa-sha1 and sha1 on request, and both verifiers accept it (verifyXmlSignature only when allowSha1)', function () {
    const signed = signAssertion(key, { signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' });
    expect(signed).to.contain('<ds:SignatureMethod Algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1"/>');
    expect(signed).to.contain('<ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/>');
    expect(verifyXmlSignature(signed, [key.published.certBase64], { element: [...ASSERTION_STEPS], allowSha1: true }).signedXml).to.contain(
      'alice@example.com',
    );
    expect(codeOf(() => verifyXmlSignature(signed, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_algorithm_not_allowed',
    );
    // SHA-1 in the DigestMethod alone is refused too.
    const sha1Digest = signAssertion(key, { signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha1' });
    expect(codeOf(() => verifyXmlSignature(sha1Digest, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_algorithm_not_allowed',
    );
    requireTool(this, 'xmlsec1');
    expect(xmlsecVerify(signed, key.published.certPem, `${NS.saml}:Assertion`).ok).to.equal(true);
  });

  it('never trusts the certificate in KeyInfo: a signature by another key fails, whatever KeyInfo says', () => {
    const forged = signAssertion(other);
    expect(xmlCodeOf(() => verifyXmlSignature(forged, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
    const verified = verifyXmlSignature(forged, [key.published.certBase64, other.published.certBase64], {
      element: [...ASSERTION_STEPS],
    });
    expect(verified.certBase64).to.equal(other.published.certBase64);
  });

  it('fails on one changed byte of signed content, and on a changed signature value', () => {
    const signed = signAssertion(key);
    const content = signed.replace('alice@example.com', 'alice@example.con');
    expect(xmlCodeOf(() => verifyXmlSignature(content, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
    const value = signed.replace(/<ds:SignatureValue>(.)/, (_, first: string) => `<ds:SignatureValue>${first === 'A' ? 'B' : 'A'}`);
    expect(xmlCodeOf(() => verifyXmlSignature(value, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
  });

  it('refuses a signature that references another element than the expected one', () => {
    // Valid signature over the Assertion, but placed in (and presented as covering) the Response.
    const signed = signXml(response(), {
      key,
      reference: { xpath: ASSERTION },
      location: { reference: RESPONSE, action: 'append' },
    });
    expect(xmlCodeOf(() => verifyXmlSignature(signed, [key.published.certBase64], { element: [[NS.samlp, 'Response']] }))).to.equal(
      'xml_signature_invalid',
    );
    // ... and the Assertion itself carries no signature.
    expect(xmlCodeOf(() => verifyXmlSignature(signed, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_missing',
    );
  });

  it('refuses a document in which the signed ID appears twice (signature wrapping)', () => {
    const signed = signAssertion(key).replace('<saml:Issuer>', '<saml:Issuer ID="_assertion1">');
    expect(xmlCodeOf(() => verifyXmlSignature(signed, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
  });

  it('rejects a broken Signature and an empty list of trusted certificates with codes, not crashes', () => {
    const broken = signAssertion(key).replace(/<ds:SignedInfo>.*<\/ds:SignedInfo>/, '');
    expect(xmlCodeOf(() => verifyXmlSignature(broken, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
    expect(xmlCodeOf(() => verifyXmlSignature(signAssertion(key), [], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_signature_invalid',
    );
  });

  it('parses the input safely before verifying', () => {
    const signed = `<!DOCTYPE x [<!ENTITY e "e">]>${signAssertion(key)}`;
    expect(xmlCodeOf(() => verifyXmlSignature(signed, [key.published.certBase64], { element: [...ASSERTION_STEPS] }))).to.equal(
      'xml_doctype_forbidden',
    );
  });

  it('signs a SAML 1.1 assertion by AssertionID', function () {
    const saml11 = create()
      .ele(NS.saml1, 'saml:Assertion', { AssertionID: '_s11', MajorVersion: '1', MinorVersion: '1' })
      .ele(NS.saml1, 'saml:Conditions')
      .up()
      .end({ headless: true });
    const path = elementPath([NS.saml1, 'Assertion']);
    const signed = signXml(saml11, {
      key,
      reference: { xpath: path, idAttribute: 'AssertionID' },
      location: { reference: path, action: 'append' },
    });
    expect(signed).to.contain('URI="#_s11"');
    const verified = verifyXmlSignature(signed, [key.published.certBase64], {
      element: [[NS.saml1, 'Assertion']],
      idAttribute: 'AssertionID',
    });
    expect(verified.signedXml).to.match(/^<saml:Assertion /);
    requireTool(this, 'xmlsec1');
    expect(xmlsecVerify(signed, key.published.certPem, `${NS.saml1}:Assertion`, 'AssertionID').ok).to.equal(true);
  });

  it('refuses to sign an element without its ID attribute rather than inventing one', () => {
    const noId = response().replace(' ID="_assertion1"', '');
    expect(() =>
      signXml(noId, { key, reference: { xpath: ASSERTION }, location: { reference: ASSERTION_ISSUER, action: 'after' } }),
    ).to.throw(/cannot be signed/);
  });

  it('refuses to sign when the reference matches more than one element', () => {
    const two = response().replace('</samlp:Response>', `<saml:Assertion xmlns:saml="${NS.saml}" ID="_assertion2"/></samlp:Response>`);
    expect(() =>
      signXml(two, { key, reference: { xpath: ASSERTION }, location: { reference: RESPONSE, action: 'append' } }),
    ).to.throw(/cannot be signed/);
  });

  it('refuses a signature that names an algorithm outside the RSA allow-list (e.g. HMAC keyed with our public certificate)', () => {
    // An attacker knows the trusted certificate; were HMAC accepted "keyed" with it, anyone could sign.
    const forged = signAssertion(key).replace(ALGORITHMS.rsaSha256, 'http://www.w3.org/2000/09/xmldsig#hmac-sha1');
    let refused: unknown;
    try {
      verifyXmlSignature(forged, [key.published.certBase64], { element: [...ASSERTION_STEPS] });
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(XmlError);
    expect((refused as XmlError).code).to.equal('xml_signature_invalid');
    expect((refused as XmlError).message).to.equal('the signature algorithm is not accepted');
  });
});
