import { plainRequestCode } from '../../helpers/errors.js';
import { requireTool, usedTool } from '../../helpers/tools.js';
import { readFixture } from '../../helpers/fixtures.js';
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, deflateSync } from 'node:zlib';
import type { TestSigningKey as SigningKey } from '../../helpers/xml-tools.js';
import {
  DEFAULT_REDIRECT_LIMITS,
  decodePostMessage,
  decodeRedirectMessage,
  parseRedirectQuery,
  verifyRedirectSignature,
} from '../../../src/saml/bindings.js';
import { SamlRequestError } from '../../../src/errors.js';
import { makeSigningKey } from '../../helpers/xml-tools.js';

const SAMPLE = readFixture('requests/valid/shibboleth-sp3-authnrequest.xml');
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SIG_ALGS: Array<[uri: string, digest: string]> = [
  [RSA_SHA256, 'sha256'],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha384', 'sha384'],
  ['http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', 'sha512'],
  ['http://www.w3.org/2000/09/xmldsig#rsa-sha1', 'sha1'],
];

/** A binding error is a plain 400, never a SAML status posted back to the SP. */
const bindingCodeOf = (run: () => unknown) => plainRequestCode(run, SamlRequestError);

const redirectValue = (xml: string) => deflateRawSync(Buffer.from(xml, 'utf8')).toString('base64');

/** What an SP does (bindings 3.4.4.1): sign `SAMLRequest=…&RelayState=…&SigAlg=…` as it encoded them. */
function signedQuery(
  key: KeyObject,
  params: { SAMLRequest?: string; SAMLResponse?: string; RelayState?: string; SigAlg?: string },
  digest = 'sha256',
): string {
  const signedContent = Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const signature = sign(digest, Buffer.from(signedContent), key).toString('base64');
  return `${signedContent}&Signature=${encodeURIComponent(signature)}`;
}

describe('saml/bindings', () => {
  describe('decodeRedirectMessage (HTTP-Redirect: base64 of raw DEFLATE)', () => {
    it('decodes what an SP sends, and tolerates the spaces a URL decoder makes of an unencoded +', () => {
      const value = redirectValue(SAMPLE);
      expect(decodeRedirectMessage(value)).to.equal(SAMPLE);
      expect(decodeRedirectMessage(value.replace(/\+/g, ' '))).to.equal(SAMPLE);
    });

    const badBase64: Array<[name: string, value: string]> = [
      ['empty', ''],
      ['base64url alphabet', 'ab-_'],
      ['a stray character', 'abc!'],
      ['percent-encoding left in', 'ab%2Bcd=='],
      ['padding in the middle', 'ab==cd=='],
      ['too much padding', 'a==='],
      ['impossible length', 'abcde'],
      ['a line break (not allowed on a URL)', 'abcd\nabcd'],
    ];
    for (const [name, value] of badBase64) {
      it(`refuses bad base64: ${name}`, () => {
        expect(bindingCodeOf(() => decodeRedirectMessage(value))).to.equal('saml_request_bad_encoding');
      });
    }

    it('refuses what is not a raw DEFLATE stream: plain text, a zlib-wrapped stream, a truncated stream', () => {
      const full = deflateRawSync(Buffer.from(SAMPLE));
      for (const bytes of [Buffer.from(SAMPLE), deflateSync(Buffer.from(SAMPLE)), full.subarray(0, full.length >> 1)]) {
        expect(bindingCodeOf(() => decodeRedirectMessage(bytes.toString('base64')))).to.equal('saml_request_bad_deflate');
      }
    });

    it('refuses an inflated message that is not UTF-8', () => {
      const latin1 = deflateRawSync(Buffer.from('<a>caf\xe9</a>', 'latin1')).toString('base64');
      expect(bindingCodeOf(() => decodeRedirectMessage(latin1))).to.equal('saml_request_bad_encoding');
    });

    it('refuses an encoded value longer than the limit (16 KiB unless told) before decoding it', () => {
      expect(DEFAULT_REDIRECT_LIMITS.maxEncodedBytes).to.equal(16 * 1024);
      expect(bindingCodeOf(() => decodeRedirectMessage('A'.repeat(16 * 1024 + 4)))).to.equal('saml_request_too_large');
    });

    it('accepts up to maxInflatedBytes (64 KiB unless told) and refuses one byte more', () => {
      const at = (size: number) => deflateRawSync(Buffer.alloc(size, 'a')).toString('base64');
      expect(decodeRedirectMessage(at(64 * 1024))).to.have.length(64 * 1024);
      expect(bindingCodeOf(() => decodeRedirectMessage(at(64 * 1024 + 1)))).to.equal('saml_request_too_large');
    });

    it('cuts a deflate bomb off at the cap, quickly and without allocating its output', function () {
      // 50 MB of zeros deflates to about 50 KB: past the default encoded limit, so that is raised here
      // to show the inflation cap itself at work.
      const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 }).toString('base64');
      expect(bindingCodeOf(() => decodeRedirectMessage(bomb))).to.equal('saml_request_too_large');
      // The inflater stops at the cap: memory grows by far less than the 50 MB a full inflate would take
      // (how long it takes is measured by npm run bench, not asserted here).
      const before = process.memoryUsage().arrayBuffers;
      const code = bindingCodeOf(() => decodeRedirectMessage(bomb, { maxEncodedBytes: 128 * 1024, maxInflatedBytes: 64 * 1024 }));
      expect(code).to.equal('saml_request_too_large');
      expect(process.memoryUsage().arrayBuffers - before).to.be.below(8 * 1024 * 1024);
    });

    it('cuts off a bomb small enough to pass the encoded limit (10 MB of zeros, 13.6 KB of base64)', () => {
      const bomb = deflateRawSync(Buffer.alloc(10 * 1024 * 1024), { level: 9 }).toString('base64');
      expect(bomb.length).to.be.below(DEFAULT_REDIRECT_LIMITS.maxEncodedBytes);
      expect(bindingCodeOf(() => decodeRedirectMessage(bomb))).to.equal('saml_request_too_large');
    });
  });

  describe('decodePostMessage (HTTP-POST: base64)', () => {
    it('decodes, also base64 wrapped at 76 columns', () => {
      const value = Buffer.from(SAMPLE).toString('base64');
      expect(decodePostMessage(value)).to.equal(SAMPLE);
      expect(decodePostMessage(value.replace(/.{76}/g, '$&\r\n'))).to.equal(SAMPLE);
    });

    it('refuses bad base64, non-UTF-8 and values over the limit (256 KiB unless told)', () => {
      expect(bindingCodeOf(() => decodePostMessage('PHNhbWw+*'))).to.equal('saml_request_bad_encoding');
      expect(bindingCodeOf(() => decodePostMessage(Buffer.from([0x3c, 0xff, 0x3e]).toString('base64')))).to.equal(
        'saml_request_bad_encoding',
      );
      expect(bindingCodeOf(() => decodePostMessage('A'.repeat(256 * 1024 + 4)))).to.equal('saml_request_too_large');
      expect(bindingCodeOf(() => decodePostMessage('AAAA'.repeat(8), { maxEncodedBytes: 16 }))).to.equal('saml_request_too_large');
    });
  });

  describe('parseRedirectQuery', () => {
    it('reads the SAML parameters, URL-decoded, ignoring others; a leading ? is fine', () => {
      const query = parseRedirectQuery('?x=1&SAMLRequest=ab%2Bc&RelayState=%2Fhome%3Fa%3Db+c');
      expect(query).to.include({ messageParameter: 'SAMLRequest', message: 'ab+c', relayState: '/home?a=b c' });
      expect(query.signedContent).to.equal('SAMLRequest=ab%2Bc&RelayState=%2Fhome%3Fa%3Db+c');
    });

    const refused: Array<[name: string, query: string, code: string]> = [
      ['SAMLRequest twice', 'SAMLRequest=a&SAMLRequest=b', 'saml_request_duplicate_parameter'],
      ['RelayState twice', 'SAMLRequest=a&RelayState=x&RelayState=y', 'saml_request_duplicate_parameter'],
      ['SigAlg twice', `SAMLRequest=a&SigAlg=x&SigAlg=y`, 'saml_request_duplicate_parameter'],
      ['Signature twice', 'SAMLRequest=a&Signature=x&Signature=y', 'saml_request_duplicate_parameter'],
      ['a parameter name spelled with escapes', 'SAMLRequest=a&SAML%52equest=b', 'saml_request_bad_encoding'],
      ['SAMLRequest and SAMLResponse', 'SAMLRequest=a&SAMLResponse=b', 'saml_request_missing'],
      ['no SAML message', 'RelayState=x', 'saml_request_missing'],
      ['malformed percent-encoding', 'SAMLRequest=a%zz', 'saml_request_bad_encoding'],
      ['raw non-ASCII', 'SAMLRequest=a&RelayState=caf\u00e9', 'saml_request_bad_encoding'],
      ['a query over 64 KiB', `SAMLRequest=${'a'.repeat(64 * 1024)}`, 'saml_request_too_large'],
    ];
    for (const [name, query, code] of refused) {
      it(`refuses ${name}`, () => expect(bindingCodeOf(() => parseRedirectQuery(query))).to.equal(code));
    }
  });

  describe('verifyRedirectSignature (bindings 3.4.4.1)', () => {
    let sp: SigningKey;
    let other: SigningKey;
    let message: string;
    const relayState = encodeURIComponent('/app/page?tab=1');

    before(async () => {
      [sp, other] = await Promise.all([makeSigningKey('sp.example.com'), makeSigningKey('other.example.com')]);
      message = encodeURIComponent(redirectValue(SAMPLE));
    });

    for (const [uri, digest] of SIG_ALGS) {
      it(`verifies a query signed with ${uri.split('#')[1]} and returns what it covers`, () => {
        const raw = signedQuery(sp.privateKey, { SAMLRequest: message, RelayState: relayState, SigAlg: encodeURIComponent(uri) }, digest);
        const sha1 = digest === 'sha1';
        if (sha1) expect(bindingCodeOf(() => verifyRedirectSignature(raw, sp.published.certBase64))).to.equal('saml_signature_algorithm_not_allowed');
        const query = verifyRedirectSignature(raw, sp.published.certBase64, sha1);
        expect(query.relayState).to.equal('/app/page?tab=1');
        expect(query.sigAlg).to.equal(uri);
        expect(decodeRedirectMessage(query.message)).to.equal(SAMPLE);
      });
    }

    it('verifies without RelayState, with the parameters in another order, a SAMLResponse, and a PEM certificate', () => {
      const sigAlg = encodeURIComponent(RSA_SHA256);
      verifyRedirectSignature(signedQuery(sp.privateKey, { SAMLRequest: message, SigAlg: sigAlg }), sp.published.certBase64);
      const raw = signedQuery(sp.privateKey, { SAMLRequest: message, RelayState: relayState, SigAlg: sigAlg });
      const shuffled = ['foo=bar', ...raw.split('&').reverse()].join('&');
      verifyRedirectSignature(shuffled, sp.published.certPem);
      const response = signedQuery(sp.privateKey, { SAMLResponse: message, SigAlg: sigAlg });
      expect(verifyRedirectSignature(response, sp.published.certBase64).messageParameter).to.equal('SAMLResponse');
    });

    it('verifies the octets as received: a value the SP left unencoded stays unencoded', () => {
      const raw = signedQuery(sp.privateKey, { SAMLRequest: message, RelayState: '/app/page', SigAlg: encodeURIComponent(RSA_SHA256) });
      expect(verifyRedirectSignature(raw, sp.published.certBase64).relayState).to.equal('/app/page');
    });

    describe('refuses a changed query', () => {
      const sigAlg = encodeURIComponent(RSA_SHA256);
      const cases: Array<[name: string, change: (raw: string) => string, code: string]> = [
        ['a tampered RelayState', (raw) => raw.replace(relayState, encodeURIComponent('/admin')), 'saml_signature_invalid'],
        ['RelayState removed', (raw) => raw.replace(`&RelayState=${relayState}`, ''), 'saml_signature_invalid'],
        ['RelayState re-encoded %2F → / (same decoded value)', (raw) => raw.replace('%2Fapp%2Fpage', '/app/page'), 'saml_signature_invalid'],
        ['RelayState re-encoded %2F → %2f', (raw) => raw.replace('%2Fapp', '%2fapp'), 'saml_signature_invalid'],
        ['SAMLRequest re-encoded %2B → +', (raw) => raw.replace(/^SAMLRequest=([^&]*)/, (_, v: string) => `SAMLRequest=${v.replace(/%2B/g, '+')}`), 'saml_signature_invalid'],
        ['SigAlg switched to another allowed one', (raw) => raw.replace(sigAlg, encodeURIComponent('http://www.w3.org/2001/04/xmldsig-more#rsa-sha512')), 'saml_signature_invalid'],
        ['SigAlg switched to HMAC', (raw) => raw.replace(sigAlg, encodeURIComponent('http://www.w3.org/2000/09/xmldsig#hmac-sha1')), 'saml_signature_algorithm_not_allowed'],
        ['SigAlg switched to DSA', (raw) => raw.replace(sigAlg, encodeURIComponent('http://www.w3.org/2000/09/xmldsig#dsa-sha1')), 'saml_signature_algorithm_not_allowed'],
        ['SigAlg removed', (raw) => raw.replace(`&SigAlg=${sigAlg}`, ''), 'saml_signature_invalid'],
        ['Signature removed', (raw) => raw.replace(/&Signature=.*$/, ''), 'saml_signature_missing'],
        ['Signature not base64', (raw) => raw.replace(/&Signature=.*$/, '&Signature=%21%21'), 'saml_signature_invalid'],
        ['Signature truncated', (raw) => raw.replace(/&Signature=.{8}/, '&Signature='), 'saml_signature_invalid'],
        ['Signature duplicated', (raw) => `${raw}&Signature=AAAA`, 'saml_request_duplicate_parameter'],
      ];
      for (const [name, change, code] of cases) {
        it(name, () => {
          const raw = signedQuery(sp.privateKey, { SAMLRequest: message, RelayState: relayState, SigAlg: sigAlg });
          expect(verifyRedirectSignature(raw, sp.published.certBase64).relayState).to.equal('/app/page?tab=1');
          expect(change(raw)).to.not.equal(raw);
          expect(bindingCodeOf(() => verifyRedirectSignature(change(raw), sp.published.certBase64))).to.equal(code);
        });
      }
    });

    it("refuses a signature by another key than the SP's certificate", () => {
      const raw = signedQuery(other.privateKey, { SAMLRequest: message, SigAlg: encodeURIComponent(RSA_SHA256) });
      expect(bindingCodeOf(() => verifyRedirectSignature(raw, sp.published.certBase64))).to.equal('saml_signature_invalid');
    });

    it('never lets an EC certificate verify an ECDSA signature announced as rsa-sha256', function () {
      requireTool(this, 'openssl');
      usedTool('openssl');
      const dir = mkdtempSync(join(tmpdir(), 'fedmeta-ec-'));
      try {
        const [keyFile, certFile] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
        execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
          '-keyout', keyFile, '-out', certFile, '-subj', '/CN=ec.example.com', '-days', '1'], { stdio: 'ignore' });
        const raw = signedQuery(createPrivateKey(readFileSync(keyFile)), { SAMLRequest: message, SigAlg: encodeURIComponent(RSA_SHA256) });
        expect(bindingCodeOf(() => verifyRedirectSignature(raw, readFileSync(certFile, 'utf8')))).to.equal('saml_signature_invalid');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
