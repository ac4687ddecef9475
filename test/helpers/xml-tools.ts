// Test keys and the external XML tools (xmlsec1, xmllint) the XML tests check our output with.
import { expect } from 'chai';
import { createPrivateKey, sign } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSigningKey } from '../../src/keys/generate.js';
import { publishKey } from '../../src/keys/formats.js';
import type { SigningKey } from '../../src/keys/keyring.js';
import type { XmlSigningKey } from '../../src/xml/sign.js';
import { requireTool, usedTool } from './tools.js';

export { requireTool } from './tools.js';

/** A keyring-shaped key in process, with its private KeyObject for the independent signers (xml-crypto, jose). */
export type TestSigningKey = SigningKey & XmlSigningKey;

export async function makeSigningKey(commonName = 'fedmeta.test'): Promise<TestSigningKey> {
  const key = await generateSigningKey({ modulusLength: 2048, commonName, validityDays: 30, now: new Date() });
  const privateKey = createPrivateKey(key.privateKeyPem);
  const published = publishKey({ kid: key.kid, state: 'current', certPem: key.certPem });
  return {
    kid: key.kid,
    privateKey,
    published,
    certBase64: published.certBase64,
    sign: (data, algorithm) => sign(algorithm === 'rsa-sha1' ? 'sha1' : 'sha256', data, privateKey),
    check: () => undefined,
    lost: undefined,
    opened: { sign: (data, algorithm) => sign(algorithm === 'rsa-sha1' ? 'sha1' : 'sha256', data, privateKey), check: () => undefined },
  };
}

export function inTempDir<T>(files: Record<string, string>, run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'fedmeta-xml-'));
  try {
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface ToolResult {
  ok: boolean;
  output: string;
}

/**
 * xmlsec1 trusting only `certPem`: `--enabled-key-data rsa` stops it from taking a key out of the
 * document's KeyInfo/X509Data, so the only key it has is the one loaded by --pubkey-cert-pem.
 * `idNode` is `namespace:LocalName` of the element whose `idAttribute` the Reference URI names.
 */
export function xmlsecVerify(xml: string, certPem: string, idNode: string, idAttribute = 'ID'): ToolResult {
  usedTool('xmlsec1');
  return inTempDir({ 'signed.xml': xml, 'cert.pem': certPem }, (dir) => {
    const result = spawnSync(
      'xmlsec1',
      [
        '--verify',
        '--enabled-key-data',
        'rsa',
        '--pubkey-cert-pem',
        join(dir, 'cert.pem'),
        `--id-attr:${idAttribute}`,
        idNode,
        join(dir, 'signed.xml'),
      ],
      { encoding: 'utf8' },
    );
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  });
}

export const METADATA_SCHEMA = '/usr/share/xml/opensaml/saml-schema-metadata-2.0.xsd';
export const PROTOCOL_SCHEMA = '/usr/share/xml/opensaml/saml-schema-protocol-2.0.xsd';
export const ASSERTION_SCHEMA = '/usr/share/xml/opensaml/saml-schema-assertion-2.0.xsd';

/** The first SAML 2.0 Assertion as a document of its own (xmlsec1 verifies the first signature it meets). */
export function extractAssertion(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const assertion = doc.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Assertion')[0];
  if (!assertion) throw new Error('no Assertion');
  return new XMLSerializer().serializeToString(assertion);
}

// The OASIS schemas import XML-DSig, XML-Enc and xml.xsd by their W3C URLs; the catalog maps those
// to the copies Debian ships (xmltooling), and --nonet makes a missing mapping fail, not download.
const SCHEMA_CATALOG = `<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
  <uri name="http://www.w3.org/TR/2002/REC-xmldsig-core-20020212/xmldsig-core-schema.xsd"
       uri="file:///usr/share/xml/xmltooling/xmldsig-core-schema.xsd"/>
  <uri name="http://www.w3.org/TR/2002/REC-xmlenc-core-20021210/xenc-schema.xsd"
       uri="file:///usr/share/xml/xmltooling/xenc-schema.xsd"/>
  <uri name="http://www.w3.org/2001/xml.xsd" uri="file:///usr/share/xml/xmltooling/xml.xsd"/>
</catalog>
`;

export function xmllintValidate(xml: string, schema: string): ToolResult {
  usedTool('xmllint');
  return inTempDir({ 'doc.xml': xml, 'catalog.xml': SCHEMA_CATALOG }, (dir) => {
    const result = spawnSync('xmllint', ['--nonet', '--noout', '--schema', schema, join(dir, 'doc.xml')], {
      encoding: 'utf8',
      env: { ...process.env, XML_CATALOG_FILES: join(dir, 'catalog.xml') },
    });
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  });
}

/** xmlsec1 (trusting only `certPem`) verifies `xml` and xmllint finds it valid against `schema`. */
export function expectVerifiedAndValid(context: Mocha.Context, xml: string, certPem: string, idNode: string, schema = PROTOCOL_SCHEMA): void {
  requireTool(context, 'xmlsec1');
  const verified = xmlsecVerify(xml, certPem, idNode);
  expect(verified.ok, verified.output).to.equal(true);
  requireTool(context, 'xmllint');
  const valid = xmllintValidate(xml, schema);
  expect(valid.ok, valid.output).to.equal(true);
}
