// /wsfed over real HTTP: sign-in through /login and with the SSO session, and every wrong input
// answered by a 400 page that neither redirects nor posts anywhere.
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, errorCodeOf as errorCode, expectErrorPage, readForm, type Page } from '../helpers/browser.js';
import { MAX_WCTX_BYTES } from '../../src/wsfed/request.js';

const PASSWORD = 'correct horse battery';
const CALLBACK = 'https://rp-a.example.com/signin';
const OTHER_CALLBACK = 'https://rp-a.example.com/alt';

describe('WS-Fed sign-in at /wsfed: flows and hostile input', () => {
  let server: TestServer;
  let appA: string;
  let samlOnly: string;
  const url = (path: string, params: Record<string, string>) => `${server.url}${path}?${new URLSearchParams(params)}`;

  /** A browser that already holds an SSO session. */
  async function signedInBrowser(): Promise<Browser> {
    const browser = new Browser();
    const login = await browser.follow(`${server.url}/login`);
    const done = await browser.submit(login, { username: 'ann@example.com', password: PASSWORD });
    expect(done.status).to.equal(200);
    expect(browser.cookies.has('fedmeta_session')).to.equal(true);
    return browser;
  }

  function expectRefused(page: Page, code: string, status = 400): void {
    expectErrorPage(page, code, status);
    expect(page.body).not.to.include('wresult');
  }

  before(async () => {
    server = await startTestServer();
    const actor = { type: 'system' as const, id: 'test' };
    await server.services.users.create({ email: 'ann@example.com', password: PASSWORD, name: 'Ann' }, actor);
    const create = async (name: string, callbacks: string[], addons: object) => (await server.services.clients.create({ name, callbacks, addons }, actor)).clientId;
    appA = await create('RP A', [CALLBACK, OTHER_CALLBACK], { wsfed: { realm: 'urn:rp:a' } });
    await create('RP B', ['https://rp-b.example.com/signin'], { wsfed: { realm: 'urn:rp:b', tokenFormat: 'saml20' } });
    samlOnly = await create('SP', ['https://sp.example.com/acs'], { samlp: { audience: 'urn:sp:x' } });
  });
  after(async () => server.destroy());

  it('without a session: hands off to /login, then posts wa, wresult and wctx to wreply; audited', async () => {
    const browser = new Browser();
    const first = await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wtrealm: 'urn:rp:a', wreply: CALLBACK, wctx: 'rm=0&id=42' }));
    expect(first.status).to.equal(303);
    expect(first.headers.get('location')).to.match(/^\/login\?state=[\w-]+$/);
    const login = await browser.follow(new URL(first.headers.get('location')!, server.url).href);
    expect(login.body).to.include('RP A');
    const page = await browser.submit(login, { username: 'ann@example.com', password: PASSWORD });
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-security-policy')).to.include(`form-action 'self' https://rp-a.example.com`);
    const form = readForm(page.body, page.url);
    expect(form.action).to.equal(CALLBACK);
    expect(Object.keys(form.fields).sort()).to.deep.equal(['wa', 'wctx', 'wresult']);
    expect(form.fields.wa).to.equal('wsignin1.0');
    expect(form.fields.wctx).to.equal('rm=0&id=42');
    expect(form.fields.wresult).to.match(/^<t:RequestSecurityTokenResponse /).and.include('urn:oasis:names:tc:SAML:1.0:assertion');
    const [entry] = await server.services.store.queryAudit({ limit: 1 });
    expect(entry).to.deep.include({ type: 's', event: 'sso_succeeded' });
    expect(entry!.details).to.include({ client_id: appA, token_format: 'saml11' });
  });

  it('with a session: answers at once; /wsfed finds the application by wtrealm; wreply absent → the first callback', async () => {
    const browser = await signedInBrowser();
    const direct = await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wreply: OTHER_CALLBACK }));
    expect(readForm(direct.body, direct.url).action).to.equal(OTHER_CALLBACK);
    const byRealm = await browser.request(url('/wsfed', { wa: 'wsignin1.0', wtrealm: 'urn:rp:b' }));
    const form = readForm(byRealm.body, byRealm.url);
    expect(form.action).to.equal('https://rp-b.example.com/signin');
    expect(form.fields.wresult).to.include('urn:oasis:names:tc:SAML:2.0:assertion');
    expect(form.fields).not.to.have.property('wctx');
  });

  it('wfresh=0 asks for the password again even with a session', async () => {
    const browser = await signedInBrowser();
    const page = await browser.follow(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wfresh: '0' }));
    expect(page.body).to.include('name="password"');
    const answered = await browser.submit(page, { username: 'ann@example.com', password: PASSWORD });
    expect(readForm(answered.body, answered.url).action).to.equal(CALLBACK);
  });

  it('refuses an unknown wtrealm, a missing one at /wsfed, and another application\'s realm', async () => {
    const browser = await signedInBrowser();
    expectRefused(await browser.request(url('/wsfed', { wa: 'wsignin1.0', wtrealm: 'urn:rp:unknown' })), 'wsfed_unknown_realm');
    expectRefused(await browser.request(url('/wsfed', { wa: 'wsignin1.0', wreply: CALLBACK })), 'wsfed_unknown_realm');
    expectRefused(await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wtrealm: 'urn:rp:b' })), 'wsfed_unknown_realm');
    expectRefused(await browser.request(url('/wsfed', { wa: 'wsignin1.0', wtrealm: 'urn:sp:x' })), 'wsfed_unknown_realm');
    expectRefused(await browser.request(url(`/wsfed/${samlOnly}`, { wa: 'wsignin1.0' })), 'not_found', 404);
    expectRefused(await browser.request(url('/wsfed/nope', { wa: 'wsignin1.0' })), 'not_found', 404);
  });

  it('refuses a wreply that is not exactly a registered callback (case, trailing slash, query, other app), with or without a session', async () => {
    for (const browser of [new Browser(), await signedInBrowser()]) {
      for (const wreply of [`${CALLBACK}/`, 'https://RP-A.example.com/signin', 'https://rp-a.example.com/Signin', `${CALLBACK}?x=1`, 'https://rp-b.example.com/signin', 'https://evil.example.com/signin', 'javascript:alert(1)']) {
        expectRefused(await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wtrealm: 'urn:rp:a', wreply })), 'wsfed_wreply_not_registered');
        expectRefused(await browser.request(url('/wsfed', { wa: 'wsignin1.0', wtrealm: 'urn:rp:a', wreply })), 'wsfed_wreply_not_registered');
      }
    }
  });

  it('refuses a missing or unknown wa, and repeated parameters', async () => {
    const browser = await signedInBrowser();
    expectRefused(await browser.request(url(`/wsfed/${appA}`, { wtrealm: 'urn:rp:a' })), 'wsfed_unsupported_action');
    expectRefused(await browser.request(url('/wsfed', { wa: 'wattr1.0', wtrealm: 'urn:rp:a' })), 'wsfed_unsupported_action');
    expectRefused(await browser.request(`${server.url}/wsfed/${appA}?wa=wsignin1.0&wreply=${encodeURIComponent(CALLBACK)}&wreply=https%3A%2F%2Fevil.example.com%2F`), 'invalid_request');
  });

  it('bounds wctx, and escapes markup in it (it comes back exact, through /login too)', async () => {
    const browser = await signedInBrowser();
    expectRefused(await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wctx: 'x'.repeat(MAX_WCTX_BYTES + 1) })), 'wsfed_wctx_too_long');
    const wctx = '"><script>alert(1)</script><b>&amp;</b>';
    const direct = await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wctx }));
    expect(direct.body).not.to.include('<script>alert(1)').and.not.include('<b>&amp;');
    expect(direct.body).to.include('&lt;script&gt;');
    expect(readForm(direct.body, direct.url).fields.wctx).to.equal(wctx);
    const fresh = new Browser();
    const login = await fresh.follow(url(`/wsfed/${appA}`, { wa: 'wsignin1.0', wctx }));
    const answered = await fresh.submit(login, { username: 'ann@example.com', password: PASSWORD });
    expect(answered.body).not.to.include('<script>alert(1)');
    expect(readForm(answered.body, answered.url).fields.wctx).to.equal(wctx);
  });

  /** The sign-out confirmation page's form, posted as the browser would (without following the redirect). */
  async function confirm(browser: Browser, page: Page, override: Record<string, string> = {}): Promise<Page> {
    expect(page.status, page.body.slice(0, 300)).to.equal(200);
    expect(errorCode(page)).to.equal('wsfed_signout_confirm');
    const form = readForm(page.body, page.url);
    return browser.request(form.action, { form: { ...form.fields, ...override } });
  }

  for (const wa of ['wsignout1.0', 'wsignoutcleanup1.0']) {
    it(`${wa}: checks wreply first, asks for confirmation, ends the session on the POST and returns to a registered wreply or shows the signed-out page`, async () => {
      const browser = await signedInBrowser();
      expectRefused(await browser.request(url(`/wsfed/${appA}`, { wa, wreply: 'https://evil.example.com/' })), 'wsfed_wreply_not_registered');
      expectRefused(await browser.request(url('/wsfed', { wa, wreply: CALLBACK })), 'wsfed_wreply_not_registered');
      const cookie = browser.cookies.get('fedmeta_session');
      expect(cookie, 'a refused sign-out changes nothing').to.be.a('string');
      const asked = await browser.request(url('/wsfed', { wa, wtrealm: 'urn:rp:a', wreply: OTHER_CALLBACK }));
      expect(asked.headers.get('content-security-policy')).to.include(`form-action 'self' https://rp-a.example.com`);
      expect(browser.cookies.get('fedmeta_session'), 'the GET alone ends nothing').to.equal(cookie);
      const out = await confirm(browser, asked);
      expect(out.status).to.equal(303);
      expect(out.headers.get('location')).to.equal(OTHER_CALLBACK);
      expect(browser.cookies.has('fedmeta_session')).to.equal(false);
      const [entry] = await server.services.store.queryAudit({ limit: 1 });
      expect([entry!.type, entry!.details.client_id]).to.deep.equal(['slo', appA]);
      // The session is over on the server too: replaying the old cookie signs no one in.
      browser.cookies.set('fedmeta_session', cookie!);
      expect((await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0' }))).status).to.equal(303);

      const again = await signedInBrowser();
      const page = await confirm(again, await again.request(url(`/wsfed/${appA}`, { wa })));
      expect(page.status).to.equal(200);
      expect(errorCode(page)).to.equal('signed_out');
      expect((await again.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0' }))).status).to.equal(303);
    });
  }

  // Logout CSRF: sign-out requests a third-party site can make the browser send, none of which may end the session.
  const forgedSignOuts: Array<[name: string, send: (browser: Browser, confirmation: Page) => Promise<Page>, status: number, code: string]> = [
    ['a POST without the CSRF token', (browser, page) => confirm(browser, page, { csrf: '' }), 403, 'csrf_rejected'],
    ['a POST with another browser\'s CSRF token', (browser, page) => confirm(browser, page, { csrf: 'A'.repeat(43) }), 403, 'csrf_rejected'],
    [
      'a cross-site POST (Sec-Fetch-Site: cross-site)',
      (browser, page) => {
        const form = readForm(page.body, page.url);
        return browser.request(form.action, { form: form.fields, headers: { 'sec-fetch-site': 'cross-site' } });
      },
      403,
      'csrf_rejected',
    ],
    [
      'a POST from another origin',
      (browser, page) => {
        const form = readForm(page.body, page.url);
        return browser.request(form.action, { form: form.fields, headers: { origin: 'https://evil.example.com' } });
      },
      403,
      'csrf_rejected',
    ],
    ['a POST turned into wsignin1.0', (browser, page) => confirm(browser, page, { wa: 'wsignin1.0' }), 400, 'wsfed_unsupported_action'],
  ];
  for (const wa of ['wsignout1.0', 'wsignoutcleanup1.0']) {
    it(`${wa}: a plain cross-site GET shows the confirmation page and keeps the session`, async () => {
      const browser = await signedInBrowser();
      const cookie = browser.cookies.get('fedmeta_session');
      for (const path of ['/wsfed', `/wsfed/${appA}`]) {
        const page = await browser.request(url(path, { wa, wtrealm: 'urn:rp:a' }), { headers: { 'sec-fetch-site': 'cross-site' } });
        expect(page.status).to.equal(200);
        expect(errorCode(page)).to.equal('wsfed_signout_confirm');
        expect(page.headers.get('location')).to.equal(null);
      }
      expect(browser.cookies.get('fedmeta_session')).to.equal(cookie);
      expect((await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0' }))).body).to.include('wresult');
    });
    for (const [name, send, status, code] of forgedSignOuts) {
      it(`${wa}: ${name} is refused with ${code} and keeps the session`, async () => {
        const browser = await signedInBrowser();
        const cookie = browser.cookies.get('fedmeta_session');
        const page = await send(browser, await browser.request(url(`/wsfed/${appA}`, { wa, wreply: CALLBACK })));
        expectRefused(page, code, status);
        expect(browser.cookies.get('fedmeta_session')).to.equal(cookie);
        // Still signed in: wsignin answers with a token at once.
        expect((await browser.request(url(`/wsfed/${appA}`, { wa: 'wsignin1.0' }))).body).to.include('wresult');
      });
    }
  }
});
