// The test helper xmlsecVerify (test/helpers/xml-tools.ts) is what the "signed by the published key"
// tests rely on: it must trust only the certificate it is given, never a key the document carries.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { requireTool, xmlsecVerify } from '../../helpers/xml-tools.js';
import { FORGER, TEST_SP, testSpCertPem, xmlsecSign, xmlsecVerifyTrustingTheDocument } from '../../helpers/independent-signer.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ID_NODE = `${SAMLP}:LogoutRequest`;
const DOCUMENT =
  `<samlp:LogoutRequest xmlns:samlp="${SAMLP}" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_forged" Version="2.0" ` +
  `IssueInstant="2026-11-30T00:00:00Z"><saml:Issuer>https://sp.example.com</saml:Issuer><saml:NameID>ann@example.com</saml:NameID></samlp:LogoutRequest>`;

describe('test helper xmlsecVerify: trusts only the published certificate', () => {
  beforeEach(function () {
    requireTool(this, 'xmlsec1');
  });

  it('refuses a forged document that carries its own <ds:KeyValue>, signed with a key that is not the published one', () => {
    const forged = xmlsecSign(DOCUMENT, { idNode: ID_NODE, signer: { key: FORGER.key }, keyValue: true });
    expect(forged).to.include('<ds:KeyValue>').and.include('<ds:RSAKeyValue>');
    // The forgery is well made: xmlsec1 left to itself takes the key out of the document and accepts it.
    const naive = xmlsecVerifyTrustingTheDocument(forged, ID_NODE);
    expect(naive.ok, naive.output).to.equal(true);
    const refused = xmlsecVerify(forged, testSpCertPem(), ID_NODE);
    expect(refused.ok, refused.output).to.equal(false);
  });

  it('refuses a document whose X509Data carries the forger\'s certificate', () => {
    const forged = xmlsecSign(DOCUMENT, { idNode: ID_NODE, signer: FORGER });
    expect(xmlsecVerify(forged, readFileSync(FORGER.cert, 'utf8'), ID_NODE).ok, 'control: the forger\'s own certificate verifies it').to.equal(true);
    expect(xmlsecVerify(forged, testSpCertPem(), ID_NODE).ok).to.equal(false);
  });

  it('accepts a document signed with the published key, whatever its KeyInfo holds', () => {
    for (const keyValue of [false, true]) {
      const signed = xmlsecSign(DOCUMENT, { idNode: ID_NODE, signer: keyValue ? { key: TEST_SP.key } : TEST_SP, keyValue });
      const verified = xmlsecVerify(signed, testSpCertPem(), ID_NODE);
      expect(verified.ok, verified.output).to.equal(true);
    }
  });
});
