// WS-Federation end to end over real HTTP, the test playing a strict relying party (the npm WS-Fed
// RP libraries do not install here): it learns the signing certificates ONLY from the federation
// metadata URL (and checks each refreshed document's signature with the certificates it already
// trusts), signs in through /wsfed with a browser, and verifies every token with xmlsec1 and with
// node-saml (SAML 2.0) or xml-crypto (SAML 1.1) — before a rotation, right after it, and after the
// old key is revoked, when tokens that key signed must fail.
import { expect } from 'chai';
import { managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser, readForm, type Page } from '../helpers/browser.js';
import { requireTool, xmlsecVerify } from '../helpers/xml-tools.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { TokenRejected, acceptWresult, pemOf, readFederationMetadata, type AcceptedToken } from '../unit/wsfed/relying-party.js';

const PASSWORD = 'correct horse battery';
const MARKUP_NAME = '<b>Ann & "Bo"</b> ]]> Zoë';
const CLAIM = (name: string) => `http://schemas.xmlsoap.org/ws/2005/05/identity/claims/${name}`;
const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';

class StrictRelyingParty {
  certs: string[] = [];
  constructor(
    readonly metadataUrl: string,
    readonly realm: string,
    readonly wreply: string,
    readonly issuer: string,
  ) {}

  /** Re-read the metadata; after the first read it must be signed by a certificate already trusted. */
  async refresh(): Promise<string[]> {
    const xml = await (await fetch(this.metadataUrl)).text();
    if (this.certs.length > 0) {
      const trusted = this.certs.some((cert) => xmlsecVerify(xml, pemOf(cert), `${MD}:EntityDescriptor`).ok);
      expect(trusted, 'refreshed metadata is signed by a key already trusted').to.equal(true);
    }
    this.certs = readFederationMetadata(xml).certs;
    return this.certs;
  }

  /** What the RP does with the browser's POST to wreply. */
  accept(page: Page): AcceptedToken {
    const form = readForm(page.body, page.url);
    expect(form.action).to.equal(this.wreply);
    expect(form.fields.wa).to.equal('wsignin1.0');
    return acceptWresult(form.fields.wresult!, { certs: this.certs, realm: this.realm, issuer: this.issuer, now: new Date() });
  }
}

describe('WS-Federation end to end with a strict relying party (real HTTP, rotation, revocation)', () => {
  let server: TestServer;
  let admin: ManagementCall;
  const rps: Record<'saml11' | 'saml20', StrictRelyingParty> = {} as never;
  const clientIds: Record<string, string> = {};

  /** Start at the RP's sign-in URL; log in if asked; return the auto-POST page. */
  async function signIn(browser: Browser, format: 'saml11' | 'saml20', expectLogin = false, wctx = 'ctx'): Promise<Page> {
    const rp = rps[format];
    const params = new URLSearchParams({ wa: 'wsignin1.0', wtrealm: rp.realm, wreply: rp.wreply, wctx });
    let page = await browser.follow(`${server.url}/wsfed/${clientIds[format]}?${params}`);
    expect(page.body.includes('name="password"'), 'login form shown').to.equal(expectLogin);
    if (expectLogin) page = await browser.submit(page, { username: 'ann@example.com', password: PASSWORD });
    expect(page.status, page.body.slice(0, 300)).to.equal(200);
    expect(readForm(page.body, page.url).fields.wctx).to.equal(wctx);
    return page;
  }

  before(async function () {
    requireTool(this, 'xmlsec1');
    server = await startTestServer({ env: { FEDMETA_ROTATION_RATE_BURST: '20' } });
    admin = await managementClient(server, 'create:clients create:users read:signing_keys create:signing_keys update:signing_keys');
    expect((await admin('/api/v2/users', { method: 'POST', json: { email: 'ann@example.com', password: PASSWORD, name: MARKUP_NAME } })).status).to.equal(201);
    for (const format of ['saml11', 'saml20'] as const) {
      const wreply = `https://rp-${format}.example.com/signin`;
      const created = await admin('/api/v2/clients', { method: 'POST', json: { name: `RP ${format}`, callbacks: [wreply], addons: { wsfed: { realm: `urn:rp:${format}`, tokenFormat: format } } } });
      expect(created.status).to.equal(201);
      clientIds[format] = ((await created.json()) as { client_id: string }).client_id;
      const metadataUrl = `${server.url}/wsfed/${clientIds[format]}/FederationMetadata/2007-06/FederationMetadata.xml`;
      rps[format] = new StrictRelyingParty(metadataUrl, `urn:rp:${format}`, wreply, server.config.samlEntityId);
    }
  });
  after(async () => server?.destroy());

  it('signs in (login, then the SSO session) and both relying parties accept their tokens; claims with markup byte-exact', async () => {
    const browser = new Browser();
    for (const [format, expectLogin] of [['saml11', true], ['saml20', false]] as const) {
      expect(await rps[format].refresh()).to.have.length(2);
      const token = rps[format].accept(await signIn(browser, format, expectLogin));
      expect(token.tokenType).to.equal(format === 'saml11' ? 'urn:oasis:names:tc:SAML:1.0:assertion' : 'urn:oasis:names:tc:SAML:2.0:assertion');
      expect(token.claims[CLAIM('name')]).to.equal(MARKUP_NAME);
      expect(token.claims[CLAIM('emailaddress')]).to.equal('ann@example.com');
      expect(token.nameId).to.match(/^fedmeta\|/).and.to.equal(token.claims[CLAIM('nameidentifier')]);
      expect(token.notOnOrAfter.getTime() - token.notBefore.getTime()).to.equal(3600_000);
    }
  });

  it('rotation: accepted right after rotating (the next key was pre-published) and after a refresh; revoked key → refused', async () => {
    const browser = new Browser();
    await signIn(browser, 'saml11', true);
    const held: Record<string, Page> = {};
    for (const format of ['saml11', 'saml20'] as const) {
      await rps[format].refresh();
      held[format] = await signIn(browser, format);
    }
    const oldKid = (await currentKeyFromApi(server, admin)).kid;

    expect((await admin('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    for (const format of ['saml11', 'saml20'] as const) {
      const rp = rps[format];
      // Not refreshed yet: the new current key is the "next" the RP already trusts.
      expect(rp.accept(await signIn(browser, format)).claims[CLAIM('name')], `${format} stale metadata`).to.equal(MARKUP_NAME);
      expect(await rp.refresh()).to.have.length(3);
      rp.accept(await signIn(browser, format));
      expect(rp.accept(held[format]!).claims[CLAIM('name')], `${format} token of the previous key`).to.equal(MARKUP_NAME);
    }

    expect((await admin(`/api/v2/keys/signing/${oldKid}/revoke`, { method: 'PUT' })).status).to.equal(200);
    for (const format of ['saml11', 'saml20'] as const) {
      const rp = rps[format];
      expect(await rp.refresh()).to.have.length(2);
      expect(() => rp.accept(held[format]!), `${format} token of the revoked key`).to.throw(TokenRejected, /signature/);
      expect(rp.accept(await signIn(browser, format)).claims[CLAIM('emailaddress')]).to.equal('ann@example.com');
    }
  });
});
