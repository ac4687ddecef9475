// AuthnRequests are untrusted input: every hostile or wrong request gets a clear answer, never a
// redirect or a post to an unregistered URL. Errors the SP should see arrive at its registered ACS as
// a signed SAML status.
import { expect } from 'chai';
import { createPrivateKey, sign } from 'node:crypto';
import { requestFixture } from '../helpers/fixtures.js';
import { deflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, errorCodeOf as errorCode, expectErrorPage, readForm, type Page } from '../helpers/browser.js';
import { generateSigningKey } from '../../src/keys/generate.js';
import { publishKey } from '../../src/keys/formats.js';
import { signXml } from '../helpers/xml-crypto-signer.js';
import { elementPath } from '../../src/xml/namespaces.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ACS = 'https://sp.example.com/acs';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const hostile = (name: string) => requestFixture('hostile', name);

let counter = 0;
function authnRequest(options: { issuer?: string; acs?: string | null; destination?: string; version?: string; issueInstant?: Date; id?: string; flags?: string } = {}): string {
  const id = options.id ?? `_req${++counter}${Date.now()}`;
  const acs = options.acs === null ? '' : ` AssertionConsumerServiceURL="${options.acs ?? ACS}"`;
  const destination = options.destination ? ` Destination="${options.destination}"` : '';
  return (
    `<samlp:AuthnRequest xmlns:samlp="${SAMLP}" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="${options.version ?? '2.0'}" ` +
    `IssueInstant="${(options.issueInstant ?? new Date()).toISOString()}"${acs}${destination} ${options.flags ?? ''} ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${options.issuer ?? 'https://sp.example.com'}</saml:Issuer></samlp:AuthnRequest>`
  );
}

const deflate = (xml: string) => deflateRawSync(Buffer.from(xml)).toString('base64');

/** The SAML status a fedmeta error Response carries, read from the auto-POST form. */
function statusOf(page: Page): { action: string; codes: string[] } {
  const form = readForm(page.body, page.url);
  const xml = Buffer.from(form.fields.SAMLResponse!, 'base64').toString('utf8');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const codes = Array.from(doc.getElementsByTagNameNS(SAMLP, 'StatusCode')).map((e) => e.getAttribute('Value')!.split(':').pop()!);
  return { action: form.action, codes };
}

describe('SAML requests at /samlp: hostile and wrong input', () => {
  let server: TestServer;
  let clientId: string;
  let signedClientId: string;
  let sha1ClientId: string;
  let spKey: Awaited<ReturnType<typeof generateSigningKey>>;
  const browser = () => new Browser();
  const redirect = (path: string, query: string) => browser().request(`${server.url}${path}?${query}`);

  before(async () => {
    server = await startTestServer();
    const actor = { type: 'system' as const, id: 'test' };
    clientId = (await server.services.clients.create({ name: 'SP', callbacks: [ACS, 'https://sp.example.com/acs2'], addons: { samlp: { audience: 'https://sp.example.com' } } }, actor)).clientId;
    spKey = await generateSigningKey({ modulusLength: 2048, commonName: 'signing-sp', validityDays: 30, now: new Date() });
    signedClientId = (
      await server.services.clients.create(
        { name: 'Signing SP', callbacks: ['https://signing.example.com/acs'], addons: { samlp: { audience: 'https://signing.example.com', signingCert: spKey.certPem } } },
        actor,
      )
    ).clientId;
    sha1ClientId = (
      await server.services.clients.create(
        { name: 'SHA-1 SP', callbacks: ['https://sha1.example.com/acs'], addons: { samlp: { audience: 'https://sha1.example.com', signingCert: spKey.certPem, signatureAlgorithm: 'rsa-sha1' } } },
        actor,
      )
    ).clientId;
  });
  after(async () => server.destroy());

  it('a well-formed request from a known SP goes to the login page', async () => {
    const page = await redirect(`/samlp/${clientId}`, `SAMLRequest=${encodeURIComponent(deflate(authnRequest()))}&RelayState=abc`);
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.match(/^\/login\?state=[\w-]+$/);
  });

  it('refuses hostile XML with a 400 page, never a redirect or a post', async () => {
    const cases: [string, string][] = [
      ['doctype-billion-laughs.xml', 'xml_doctype_forbidden'],
      ['external-entity.xml', 'xml_doctype_forbidden'],
      ['two-roots.xml', 'xml_multiple_roots'],
      ['wrong-root.xml', 'xml_unexpected_root'],
      ['missing-issuer.xml', 'saml_request_issuer_missing'],
      ['processing-instruction-in-request.xml', 'xml_pi_forbidden'],
    ];
    for (const [name, code] of cases) {
      expectErrorPage(await redirect(`/samlp/${clientId}`, `SAMLRequest=${encodeURIComponent(deflate(hostile(name)))}`), code, 400, name);
    }
  });

  // Refused by the linear pre-scan of the text, before any DOM or signature work, whichever binding.
  const preScanned: Array<[fixture: string, code: string, bindings: Array<'redirect' | 'post'>]> = [
    // 140 KB with closing tags: over the HTTP-Redirect inflation cap, so POST only.
    ['nested-20000-deep-with-dummy-signature.xml', 'xml_too_deep', ['post']],
    // 60 KB, under the HTTP-Redirect inflation cap: refused at depth 65, long before the missing end tags.
    ['nested-20000-deep-unclosed.xml', 'xml_too_deep', ['redirect', 'post']],
    ['element-count-10001-siblings.xml', 'xml_too_many_elements', ['redirect', 'post']],
    ['encoding-utf-7.xml', 'xml_encoding_unsupported', ['redirect', 'post']],
    ['text-between-declaration-and-root.xml', 'xml_content_outside_root', ['redirect', 'post']],
    ['text-between-comment-and-root.xml', 'xml_content_outside_root', ['redirect', 'post']],
  ];
  for (const [fixture, code, bindings] of preScanned) {
    for (const binding of bindings) {
      it(`refuses ${fixture} over HTTP-${binding === 'post' ? 'POST' : 'Redirect'} with a 400 page and ${code}, naming no library`, async () => {
        // The application with a signingCert: the dummy ds:Signature must not reach signature verification.
        const xml = hostile(fixture);
        const page =
          binding === 'post'
            ? await browser().request(`${server.url}/samlp/${signedClientId}`, { form: { SAMLRequest: Buffer.from(xml).toString('base64') } })
            : await redirect(`/samlp/${signedClientId}`, `SAMLRequest=${encodeURIComponent(deflate(xml))}`);
        expect(page.status).to.equal(400);
        expect(page.headers.get('content-type')).to.match(/^text\/html/);
        expect(errorCode(page)).to.equal(code);
        expect(page.body).not.to.include('form-post');
        expect(page.body).not.to.match(/stack|Maximum call|RangeError|xmldom|xml-crypto|SignedXml|\bat [\w.]+ \(|node_modules|\.ts:\d/i);
      });
    }
  }

  it('IdP-initiated sign-in (GET without SAMLRequest): on by default, off by default with a signingCert, per addons.samlp.idpInitiated', async () => {
    const actor = { type: 'system' as const, id: 'test' };
    const create = async (name: string, samlp: Record<string, unknown>) =>
      (await server.services.clients.create({ name, callbacks: [`https://${name}.example.com/acs`], addons: { samlp: { audience: `urn:${name}`, ...samlp } } }, actor)).clientId;
    const cases: Array<[name: string, clientId: string, allowed: boolean]> = [
      ['no signingCert (default: on)', clientId, true],
      ['a signingCert (default: off)', signedClientId, false],
      ['idpInitiated: false', await create('idp-off', { idpInitiated: false }), false],
      ['a signingCert and idpInitiated: true', await create('idp-on-signed', { signingCert: spKey.certPem, idpInitiated: true }), true],
    ];
    for (const [name, id, allowed] of cases) {
      const page = await redirect(`/samlp/${id}`, 'RelayState=home');
      if (allowed) {
        expect(page.status, name).to.equal(303);
        expect(page.headers.get('location'), name).to.match(/^\/login\?state=/);
      } else {
        expect(page.status, name).to.equal(403);
        expect(errorCode(page), name).to.equal('idp_initiated_disabled');
        expect(page.headers.get('location'), name).to.equal(null);
        expect(page.body, name).to.include('addons.samlp.idpInitiated').and.not.include('form-post');
      }
    }
  });

  it('cuts a DEFLATE bomb off at a small cap, and refuses bad base64 and bad DEFLATE', async () => {
    const bomb = deflateRawSync(Buffer.alloc(5 * 1024 * 1024, 0x20)).toString('base64'); // 5 MiB inflated, ~7 KiB in the URL
    expectErrorPage(await redirect(`/samlp/${clientId}`, `SAMLRequest=${encodeURIComponent(bomb)}`), 'saml_request_too_large');
    expect(errorCode(await redirect(`/samlp/${clientId}`, 'SAMLRequest=%%%not-base64'))).to.match(/saml_request_bad_encoding/);
    expect(errorCode(await redirect(`/samlp/${clientId}`, `SAMLRequest=${encodeURIComponent(Buffer.from('not deflate at all').toString('base64'))}`))).to.equal('saml_request_bad_deflate');
  });

  it('an unknown Issuer or an ACS URL that is not exactly a callback is a 400, never a post', async () => {
    const cases: [string, string, string][] = [
      ['/samlp', authnRequest({ issuer: 'https://unknown.example.com' }), 'saml_request_unknown_issuer'],
      [`/samlp/${clientId}`, authnRequest({ issuer: 'https://unknown.example.com' }), 'saml_request_unknown_issuer'],
      [`/samlp/${clientId}`, authnRequest({ acs: 'https://evil.example.com/acs' }), 'saml_acs_not_allowed'],
      [`/samlp/${clientId}`, authnRequest({ acs: 'https://SP.example.com/acs' }), 'saml_acs_not_allowed'],
      [`/samlp/${clientId}`, authnRequest({ acs: `${ACS}/` }), 'saml_acs_not_allowed'],
    ];
    for (const [path, xml, code] of cases) {
      expectErrorPage(await redirect(path, `SAMLRequest=${encodeURIComponent(deflate(xml))}`), code);
    }
    // The IdP-wide endpoint finds the application by Issuer.
    expect((await redirect('/samlp', `SAMLRequest=${encodeURIComponent(deflate(authnRequest()))}`)).status).to.equal(303);
  });

  it('a wrong version, an IssueInstant out of skew or a foreign Destination is a SAML status posted to the registered ACS', async () => {
    const cases: [string, string[]][] = [
      [authnRequest({ version: '1.1' }), ['VersionMismatch', 'RequestVersionTooLow']],
      [authnRequest({ issueInstant: new Date(Date.now() - 3_600_000) }), ['Requester', 'RequestDenied']],
      [authnRequest({ issueInstant: new Date(Date.now() + 3_600_000) }), ['Requester', 'RequestDenied']],
      [authnRequest({ destination: 'https://other-idp.example.com/samlp' }), ['Requester', 'RequestDenied']],
    ];
    for (const [xml, codes] of cases) {
      const page = await redirect(`/samlp/${clientId}`, `SAMLRequest=${encodeURIComponent(deflate(xml))}`);
      expect(page.status).to.equal(200);
      expect(statusOf(page)).to.deep.equal({ action: ACS, codes });
    }
  });

  it('ForceAuthn asks for the password despite a session; IsPassive without a session answers NoPassive', async () => {
    await server.services.users.create({ email: 'ann@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
    const user = new Browser();
    const sso = (flags = '') => user.follow(`${server.url}/samlp/${clientId}?SAMLRequest=${encodeURIComponent(deflate(authnRequest({ flags })))}`);
    const first = await user.submit(await sso(), { username: 'ann@example.com', password: 'correct horse' });
    expect(first.body).to.include('id="form-post"');
    expect((await sso()).body).to.include('id="form-post"'); // the session answers at once
    const forced = await sso('ForceAuthn="true"');
    expect(forced.body).to.include('name="password"');
    // Resuming without signing in again is sent back to the form: the old session does not count.
    const state = new URL(forced.url).searchParams.get('state');
    expect((await user.follow(`${server.url}/samlp/resume/${state}`)).body).to.include('name="password"');
    expect((await user.submit(forced, { username: 'ann@example.com', password: 'correct horse' })).body).to.include('id="form-post"');
    const passive = await browser().request(`${server.url}/samlp/${clientId}?SAMLRequest=${encodeURIComponent(deflate(authnRequest({ flags: 'IsPassive="true"' })))}`);
    expect(statusOf(passive)).to.deep.equal({ action: ACS, codes: ['Responder', 'NoPassive'] });
  });

  it('HTTP-POST binding: a posted AuthnRequest is accepted; an oversized body is 413', async () => {
    const form = { SAMLRequest: Buffer.from(authnRequest()).toString('base64'), RelayState: 'r' };
    const page = await browser().request(`${server.url}/samlp/${clientId}`, { form });
    expect(page.status).to.equal(303);
    const big = await browser().request(`${server.url}/samlp/${clientId}`, { form: { SAMLRequest: 'A'.repeat(400_000) } });
    expectErrorPage(big, 'payload_too_large', 413);
  });

  describe('an application with a signingCert', () => {
    const endpoint = () => `${server.url}/samlp/${signedClientId}`;
    const signedQuery = (xml: string, relayState = 'state') => {
      const signed = `SAMLRequest=${encodeURIComponent(deflate(xml))}&RelayState=${encodeURIComponent(relayState)}&SigAlg=${encodeURIComponent(RSA_SHA256)}`;
      const signature = sign('sha256', Buffer.from(signed), createPrivateKey(spKey.privateKeyPem)).toString('base64');
      return `${signed}&Signature=${encodeURIComponent(signature)}`;
    };
    const request = (extra: Parameters<typeof authnRequest>[0] = {}) =>
      authnRequest({ issuer: 'https://signing.example.com', acs: 'https://signing.example.com/acs', destination: endpoint(), ...extra });

    it('accepts a request signed over the raw query (HTTP-Redirect) with the registered certificate only', async () => {
      expect((await redirect(`/samlp/${signedClientId}`, signedQuery(request()))).status).to.equal(303);
      const tampered = signedQuery(request()).replace('RelayState=state', 'RelayState=other');
      expectErrorPage(await redirect(`/samlp/${signedClientId}`, tampered), 'saml_signature_invalid');
    });

    it('refuses an unsigned request with a SAML status at the ACS', async () => {
      const page = await redirect(`/samlp/${signedClientId}`, `SAMLRequest=${encodeURIComponent(deflate(request()))}`);
      expect(statusOf(page)).to.deep.equal({ action: 'https://signing.example.com/acs', codes: ['Requester', 'RequestDenied'] });
    });

    it('refuses a signed request whose Destination is not this endpoint, and a replayed signed request ID', async () => {
      const elsewhere = await redirect(`/samlp/${signedClientId}`, signedQuery(request({ destination: 'https://other.example.com/samlp' })));
      expect(statusOf(elsewhere).codes).to.deep.equal(['Requester', 'RequestDenied']);
      const once = signedQuery(request({ id: '_replayed-request' }));
      expect((await redirect(`/samlp/${signedClientId}`, once)).status).to.equal(303);
      expectErrorPage(await redirect(`/samlp/${signedClientId}`, once), 'saml_request_replayed');
    });

    it('refuses rsa-sha1 (query SigAlg, SignatureMethod, DigestMethod) from an application registered for rsa-sha256, naming the setting', async () => {
      const sha1Query = (xml: string) => {
        const signed = `SAMLRequest=${encodeURIComponent(deflate(xml))}&SigAlg=${encodeURIComponent('http://www.w3.org/2000/09/xmldsig#rsa-sha1')}`;
        const signature = sign('sha1', Buffer.from(signed), createPrivateKey(spKey.privateKeyPem)).toString('base64');
        return `${signed}&Signature=${encodeURIComponent(signature)}`;
      };
      const spSigningKey = { privateKey: createPrivateKey(spKey.privateKeyPem), published: publishKey({ kid: spKey.kid, state: 'current', certPem: spKey.certPem }) };
      const root = elementPath([SAMLP, 'AuthnRequest']);
      const postSigned = (xml: string, signatureAlgorithm: 'rsa-sha1' | 'rsa-sha256', digestAlgorithm: 'sha1' | 'sha256') =>
        Buffer.from(
          signXml(xml, { key: spSigningKey, reference: { xpath: root }, location: { reference: `${root}/*[local-name()='Issuer']`, action: 'after' }, signatureAlgorithm, digestAlgorithm }),
        ).toString('base64');
      const sha1Endpoint = `${server.url}/samlp/${sha1ClientId}`;
      const sha1Request = () => authnRequest({ issuer: 'https://sha1.example.com', acs: 'https://sha1.example.com/acs', destination: sha1Endpoint });

      const refused: Array<[name: string, page: Promise<Page>]> = [
        ['HTTP-Redirect SigAlg rsa-sha1', redirect(`/samlp/${signedClientId}`, sha1Query(request()))],
        ['HTTP-POST SignatureMethod rsa-sha1', browser().request(endpoint(), { form: { SAMLRequest: postSigned(request(), 'rsa-sha1', 'sha1') } })],
        ['HTTP-POST DigestMethod sha1 under rsa-sha256', browser().request(endpoint(), { form: { SAMLRequest: postSigned(request(), 'rsa-sha256', 'sha1') } })],
      ];
      for (const [name, pending] of refused) {
        const page = await pending;
        expect(page.status, name).to.equal(400);
        expect(errorCode(page), name).to.equal('saml_signature_algorithm_not_allowed');
        expect(page.body, name).to.include('addons.samlp.signatureAlgorithm');
      }
      // The application registered for rsa-sha1 may use it, by either binding.
      expect((await redirect(`/samlp/${sha1ClientId}`, sha1Query(sha1Request()))).status).to.equal(303);
      expect((await browser().request(sha1Endpoint, { form: { SAMLRequest: postSigned(sha1Request(), 'rsa-sha1', 'sha1') } })).status).to.equal(303);
    });

    it('accepts an enveloped signature over HTTP-POST, and reads only the signed bytes', async () => {
      const spSigningKey = { privateKey: createPrivateKey(spKey.privateKeyPem), published: publishKey({ kid: spKey.kid, state: 'current', certPem: spKey.certPem }) };
      const root = elementPath([SAMLP, 'AuthnRequest']);
      const signedXml = signXml(request(), {
        key: spSigningKey,
        reference: { xpath: root },
        location: { reference: `${root}/*[local-name()='Issuer']`, action: 'after' },
      });
      const ok = await browser().request(endpoint(), { form: { SAMLRequest: Buffer.from(signedXml).toString('base64') } });
      expect(ok.status).to.equal(303);
      const altered = signedXml.replace('https://signing.example.com/acs', 'https://signing.example.com/acs2');
      const refused = await browser().request(endpoint(), { form: { SAMLRequest: Buffer.from(altered).toString('base64') } });
      expectErrorPage(refused, 'saml_signature_invalid');
    });
  });
});
