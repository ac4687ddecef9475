// SAML requests signed by tools that share no code with fedmeta (fedmeta and node-saml both sign and
// verify with xml-crypto): xmlsec1 --sign for the enveloped signature of HTTP-POST, openssl dgst for
// the HTTP-Redirect query signature. The SP key and certificate are fixtures/keys/test-sp.*.pem; the
// forger's key (fixtures/keys/forger.*.pem) is never registered anywhere.
import { spawnSync } from 'node:child_process';
import { usedTool } from './tools.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePath } from './fixtures.js';
import { inTempDir, type ToolResult } from './xml-tools.js';

export const TEST_SP = { key: fixturePath('keys/test-sp.key.pem'), cert: fixturePath('keys/test-sp.cert.pem') };
export const FORGER = { key: fixturePath('keys/forger.key.pem'), cert: fixturePath('keys/forger.cert.pem') };
export const testSpCertPem = () => readFileSync(TEST_SP.cert, 'utf8');

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

/** An empty enveloped-signature template (rsa-sha256, sha256, exc-c14n) over the element with ID `id`. */
function signatureTemplate(id: string, keyInfo: 'X509Data' | 'KeyValue'): string {
  return (
    `<ds:Signature xmlns:ds="${DS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"/><ds:Reference URI="#${id}"><ds:Transforms>` +
    `<ds:Transform Algorithm="${DS}enveloped-signature"/><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>` +
    `<ds:SignatureValue/><ds:KeyInfo><ds:${keyInfo}/></ds:KeyInfo></ds:Signature>`
  );
}

export interface XmlsecSignOptions {
  /** `namespace:LocalName` of the signed root element (its ID attribute is the reference). */
  idNode: string;
  /** Default: the test SP's key, with its certificate in X509Data. */
  signer?: { key: string; cert?: string };
  /** Put the signer's public key in the document as <ds:KeyValue> (what a forger would do). */
  keyValue?: boolean;
}

/** `xml` signed by xmlsec1: the signature goes right after the root's Issuer (SAML core 5.4.2). */
export function xmlsecSign(xml: string, options: XmlsecSignOptions): string {
  const id = /\sID="([^"]+)"/.exec(xml)?.[1];
  const issuerEnd = xml.indexOf('</saml:Issuer>');
  if (!id || issuerEnd < 0) throw new Error('xmlsecSign: the root needs an ID and a saml:Issuer');
  const at = issuerEnd + '</saml:Issuer>'.length;
  const template = xml.slice(0, at) + signatureTemplate(id, options.keyValue ? 'KeyValue' : 'X509Data') + xml.slice(at);
  const signer = options.signer ?? TEST_SP;
  const keyArgument = signer.cert ? `${signer.key},${signer.cert}` : signer.key;
  return inTempDir({ 'template.xml': template }, (dir) => {
    const args = ['--sign', '--privkey-pem', keyArgument, `--id-attr:ID`, options.idNode, '--output', join(dir, 'signed.xml'), join(dir, 'template.xml')];
    usedTool('xmlsec1');
    const result = spawnSync('xmlsec1', args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`xmlsec1 --sign failed: ${result.stderr}`);
    return readFileSync(join(dir, 'signed.xml'), 'utf8');
  });
}

/** xmlsec1 --verify with nothing but the document: it trusts whatever key the document carries. */
export function xmlsecVerifyTrustingTheDocument(xml: string, idNode: string): ToolResult {
  return inTempDir({ 'signed.xml': xml }, (dir) => {
    usedTool('xmlsec1');
    const result = spawnSync('xmlsec1', ['--verify', '--id-attr:ID', idNode, join(dir, 'signed.xml')], { encoding: 'utf8' });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  });
}

/**
 * The HTTP-Redirect query of `message` (already DEFLATEd and base64-encoded) signed as bindings
 * 3.4.4.1 says: openssl dgst -sha256 -sign over `SAMLRequest=…&RelayState=…&SigAlg=…`.
 */
export function opensslSignedQuery(encodedMessage: string, relayState: string, signer = TEST_SP): string {
  const signed = `SAMLRequest=${encodeURIComponent(encodedMessage)}&RelayState=${encodeURIComponent(relayState)}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
  usedTool('openssl');
  const result = spawnSync('openssl', ['dgst', '-sha256', '-sign', signer.key], { input: signed });
  if (result.status !== 0) throw new Error(`openssl dgst -sign failed: ${result.stderr.toString()}`);
  return `${signed}&Signature=${encodeURIComponent(result.stdout.toString('base64'))}`;
}
