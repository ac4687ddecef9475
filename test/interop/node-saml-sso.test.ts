// SP-initiated and IdP-initiated SAML SSO and single logout, end to end over real HTTP, with
// @node-saml/node-saml as the service provider, configured only from fedmeta's metadata URL.
import { expect } from 'chai';
import { ValidateInResponseTo } from '@node-saml/node-saml';
import { managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser, errorCodeOf as errorCode, readForm, type Page } from '../helpers/browser.js';
import { startNodeSamlSp, type SpResult, type TestSp } from '../helpers/node-saml-sp.js';
import { currentKeyFromApi, publishedPem } from '../helpers/current-key.js';
import { requireTool, xmlsecVerify } from '../helpers/xml-tools.js';
import { inflateRawSync } from 'node:zlib';
import { generateSigningKey } from '../../src/keys/generate.js';

const PASSWORD = 'correct horse battery';
const MARKUP_NAME = '<b>Ann & "Bo"</b> ]]> Zoë';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

/** The SAMLResponse the browser is about to post, checked by xmlsec1 trusting only `pem`. */
function xmlsecOnResponse(page: Page, pem: string) {
  const xml = Buffer.from(readForm(page.body, page.url).fields.SAMLResponse!, 'base64').toString('utf8');
  return xmlsecVerify(xml, pem, `${SAML}:Assertion`);
}

describe('SAML SSO with node-saml as the service provider (real HTTP)', () => {
  let server: TestServer;
  let admin: ManagementCall;
  const sps: TestSp[] = [];

  async function registerSp(options: Parameters<typeof startNodeSamlSp>[0] extends infer O ? Partial<O> : never = {}) {
    // The SP needs fedmeta's metadata URL, fedmeta needs the SP's ACS: register with a placeholder, then start the SP.
    const created = await admin('/api/v2/clients', {
      method: 'POST',
      json: { name: `SP ${sps.length}`, callbacks: ['http://127.0.0.1/placeholder'], addons: { samlp: { audience: `urn:sp:${sps.length}` } } },
    });
    const { client_id: clientId } = (await created.json()) as { client_id: string };
    const sp = await startNodeSamlSp({ metadataUrl: `${server.url}/samlp/metadata/${clientId}`, entityId: `urn:sp:${sps.length}`, ...options });
    sps.push(sp);
    const patched = await admin(`/api/v2/clients/${clientId}`, {
      method: 'PATCH',
      json: { callbacks: [sp.acsUrl], addons: { samlp: { audience: sp.entityId, mappings: { email: 'email', name: 'name', department: 'department' }, logout: { callback: sp.sloUrl } } } },
    });
    expect(patched.status).to.equal(200);
    return { sp, clientId };
  }

  /** Follow the SP's AuthnRequest to fedmeta; sign in if asked; return the auto-POST form page. */
  async function signIn(browser: Browser, sp: TestSp, options: { expectLogin?: boolean; relayState?: string } = {}): Promise<Page> {
    let page = await browser.follow(await sp.loginUrl(options.relayState));
    if (page.body.includes('name="password"')) {
      expect(options.expectLogin ?? true, 'a login form was shown').to.equal(true);
      page = await browser.submit(page, { username: 'ann@example.com', password: PASSWORD });
    } else {
      expect(options.expectLogin ?? false, 'no login form was shown').to.equal(false);
    }
    expect(page.status, page.body.slice(0, 300)).to.equal(200);
    expect(page.body).to.include('id="form-post"');
    return page;
  }

  /** The browser posts the SAML Response to the SP's ACS (the form's action). */
  async function deliver(page: Page): Promise<SpResult> {
    const form = readForm(page.body, page.url);
    const response = await fetch(form.action, { method: 'POST', body: new URLSearchParams(form.fields) });
    return (await response.json()) as SpResult;
  }

  before(async () => {
    server = await startTestServer({ env: { FEDMETA_ROTATION_RATE_BURST: '20' } });
    admin = await managementClient(server, 'create:clients update:clients create:users read:signing_keys create:signing_keys update:signing_keys');
    const user = await admin('/api/v2/users', { method: 'POST', json: { email: 'ann@example.com', password: PASSWORD, name: MARKUP_NAME, user_metadata: { department: 'R&D <east>' } } });
    expect(user.status).to.equal(201);
  });
  after(async () => {
    await Promise.all(sps.map((sp) => sp.close()));
    await server.destroy();
  });

  it('SP-initiated: login, signed assertion accepted by node-saml and by xmlsec1, attributes with markup byte-exact, RelayState echoed', async function () {
    requireTool(this, 'xmlsec1');
    const { sp } = await registerSp();
    const browser = new Browser();
    const page = await signIn(browser, sp, { expectLogin: true, relayState: '<script>alert(1)</script>&x=1' });
    const verified = xmlsecOnResponse(page, (await currentKeyFromApi(server, admin)).pem);
    expect(verified.ok, verified.output).to.equal(true);
    expect(page.body).not.to.include('<script>alert(1)</script>');
    expect(page.headers.get('content-security-policy')).to.include(`form-action 'self' ${sp.url}`);
    const result = await deliver(page);
    expect(result.status, result.error).to.equal(200);
    expect(result.relayState).to.equal('<script>alert(1)</script>&x=1');
    expect(result.profile!.nameID).to.match(/^fedmeta\|/);
    expect(result.profile!.name).to.equal(MARKUP_NAME);
    expect(result.profile!.department).to.equal('R&D <east>');
    expect(result.profile!.email).to.equal('ann@example.com');
    expect(result.profile!.sessionIndex).to.match(/^_/);
    const session = browser.cookies.get('fedmeta_session');
    expect(session).to.be.a('string');
  });

  it('a second application signs in without a password (SSO session)', async () => {
    const first = await registerSp();
    const second = await registerSp();
    const browser = new Browser();
    expect((await deliver(await signIn(browser, first.sp, { expectLogin: true }))).status).to.equal(200);
    const result = await deliver(await signIn(browser, second.sp, { expectLogin: false }));
    expect(result.status, result.error).to.equal(200);
    expect(result.profile!.email).to.equal('ann@example.com');
  });

  it('IdP-initiated SSO posts an unsolicited response to the first callback', async () => {
    const { sp, clientId } = await registerSp({ validateInResponseTo: ValidateInResponseTo.ifPresent });
    const browser = new Browser();
    await signIn(browser, sp, { expectLogin: true });
    const page = await browser.follow(`${server.url}/samlp/${clientId}?RelayState=home`);
    const form = readForm(page.body, page.url);
    expect(form.action).to.equal(sp.acsUrl);
    const result = await deliver(page);
    expect(result.status, result.error).to.equal(200);
    expect(result.relayState).to.equal('home');
  });

  it('rotation: accepted right after rotating (next key was pre-published), after a metadata refresh, and refused once the signing key is revoked', async function () {
    requireTool(this, 'xmlsec1');
    const { sp } = await registerSp();
    const browser = new Browser();
    expect((await deliver(await signIn(browser, sp, { expectLogin: true }))).status).to.equal(200);
    // Two responses signed by the current key, held back by the browser for later.
    const heldBeforeRevocation = await signIn(browser, sp);
    const heldAfterRevocation = await signIn(browser, sp);
    const { kid: oldKid, pem: oldPem } = await currentKeyFromApi(server, admin);
    expect(xmlsecOnResponse(heldBeforeRevocation, oldPem).ok, 'xmlsec1: signed by the current key').to.equal(true);

    expect((await admin('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    // The SP has NOT re-read the metadata: the new current key was already published as "next".
    const afterRotation = await signIn(browser, sp);
    const newKey = await currentKeyFromApi(server, admin);
    expect(newKey.kid).not.to.equal(oldKid);
    const verified = xmlsecOnResponse(afterRotation, newKey.pem);
    expect(verified.ok, verified.output).to.equal(true);
    expect(xmlsecOnResponse(afterRotation, await publishedPem(server, oldKid)).ok, 'xmlsec1: not the previous key any more').to.equal(false);
    const stale = await deliver(afterRotation);
    expect(stale.status, stale.error).to.equal(200);
    // After a refresh it trusts current, next and the previous key.
    expect((await sp.refreshMetadata()).certs).to.have.length(3);
    expect((await deliver(await signIn(browser, sp))).status).to.equal(200);
    const previous = await deliver(heldBeforeRevocation);
    expect(previous.status, previous.error).to.equal(200);

    expect((await admin(`/api/v2/keys/signing/${oldKid}/revoke`, { method: 'PUT' })).status).to.equal(200);
    expect((await sp.refreshMetadata()).certs).to.have.length(2);
    const revoked = await deliver(heldAfterRevocation);
    expect(revoked.status).to.equal(403);
    expect(revoked.error).to.match(/signature/i);
    expect((await deliver(await signIn(browser, sp))).status).to.equal(200);
  });

  it('SP-initiated single logout: signed LogoutResponse over HTTP-Redirect, session ended', async () => {
    const { sp } = await registerSp();
    const browser = new Browser();
    const result = await deliver(await signIn(browser, sp, { expectLogin: true }));
    expect(result.status).to.equal(200);
    const logout = await browser.request(await sp.logoutUrl(result.profile!, 'bye'));
    expect(logout.status).to.equal(303);
    const location = logout.headers.get('location')!;
    expect(location.startsWith(`${sp.sloUrl}?SAMLResponse=`)).to.equal(true);
    expect(location).to.include('&SigAlg=').and.include('&Signature=');
    const spAnswer = (await (await fetch(location)).json()) as SpResult;
    expect(spAnswer.status, spAnswer.error).to.equal(200);
    expect(spAnswer.loggedOut).to.equal(true);
    // The session is gone: the next sign-in asks for the password again.
    await signIn(browser, sp, { expectLogin: true });
  });

  it('single logout: a signed LogoutRequest naming another NameID or SessionIndex gets a non-success LogoutResponse and the session stays', async () => {
    const spKey = await generateSigningKey({ modulusLength: 2048, commonName: 'slo-sp', validityDays: 30, now: new Date() });
    const { sp, clientId } = await registerSp({ privateKey: spKey.privateKeyPem });
    // The SP signs its requests: registered with its certificate, fedmeta requires and checks the signature.
    const patched = await admin(`/api/v2/clients/${clientId}`, {
      method: 'PATCH',
      json: { addons: { samlp: { audience: sp.entityId, signingCert: spKey.certPem, logout: { callback: sp.sloUrl } } } },
    });
    expect(patched.status).to.equal(200);
    const browser = new Browser();
    const result = await deliver(await signIn(browser, sp, { expectLogin: true }));
    expect(result.status, result.error).to.equal(200);
    const profile = result.profile!;

    /** The status codes of the LogoutResponse fedmeta redirects the browser to the SP with. */
    const logoutStatus = async (changed: Partial<typeof profile>): Promise<string[]> => {
      const page = await browser.request(await sp.logoutUrl({ ...profile, ...changed }));
      expect(page.status).to.equal(303);
      const location = new URL(page.headers.get('location')!);
      expect(`${location.origin}${location.pathname}`).to.equal(sp.sloUrl);
      expect(location.searchParams.get('Signature')).to.be.a('string');
      const xml = inflateRawSync(Buffer.from(location.searchParams.get('SAMLResponse')!, 'base64')).toString('utf8');
      return [...xml.matchAll(/StatusCode Value="urn:oasis:names:tc:SAML:2\.0:status:(\w+)"/g)].map((match) => match[1]!);
    };
    const mismatches: Array<[name: string, changed: Partial<typeof profile>]> = [
      ['another NameID', { nameID: 'mallory@example.com' }],
      ['another SessionIndex', { sessionIndex: '_not-this-session' }],
    ];
    for (const [name, changed] of mismatches) {
      expect(await logoutStatus(changed), name).to.deep.equal(['Requester', 'UnknownPrincipal']);
      // The session is kept: signing in again needs no password.
      await signIn(browser, sp, { expectLogin: false });
    }
    expect(await logoutStatus({})).to.deep.equal(['Success']);
    await signIn(browser, sp, { expectLogin: true });
  });

  it('rsa-sha1 signed AuthnRequests and LogoutRequests (HTTP-Redirect SigAlg) are refused unless addons.samlp.signatureAlgorithm is rsa-sha1', async () => {
    const spKey = await generateSigningKey({ modulusLength: 2048, commonName: 'sha1-sp', validityDays: 30, now: new Date() });
    const { sp, clientId } = await registerSp({ privateKey: spKey.privateKeyPem, signatureAlgorithm: 'sha1' });
    const register = async (signatureAlgorithm: string) => {
      const patched = await admin(`/api/v2/clients/${clientId}`, {
        method: 'PATCH',
        json: { addons: { samlp: { audience: sp.entityId, signingCert: spKey.certPem, signatureAlgorithm, logout: { callback: sp.sloUrl } } } },
      });
      expect(patched.status).to.equal(200);
    };
    await register('rsa-sha256');
    const browser = new Browser();
    const login = await browser.request(await sp.loginUrl());
    expect(login.status).to.equal(400);
    expect(errorCode(login)).to.equal('saml_signature_algorithm_not_allowed');
    const profile = { issuer: sp.entityId, nameID: 'ann@example.com', nameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified' };
    const logout = await browser.request(await sp.logoutUrl(profile));
    expect(logout.status).to.equal(400);
    expect(errorCode(logout)).to.equal('saml_signature_algorithm_not_allowed');
    expect(logout.body).to.include('addons.samlp.signatureAlgorithm');

    await register('rsa-sha1');
    const result = await deliver(await signIn(browser, sp, { expectLogin: true }));
    expect(result.status, result.error).to.equal(200);
    const accepted = await browser.request(await sp.logoutUrl(result.profile!));
    expect(accepted.status).to.equal(303);
    expect(accepted.headers.get('location')!.startsWith(`${sp.sloUrl}?SAMLResponse=`)).to.equal(true);
  });
});
