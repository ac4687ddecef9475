// Issue 9 (penetration test), accounts and browser items, each attack replayed over HTTP and
// refused by its error code: the Management API never makes an administrator; one address cannot
// lock an account out, many cannot brute-force it; control characters are refused on input and
// never break a sign-in; e-mail addresses are NFKC-normalised; the CSRF token is bound to the
// session; GET /logout only asks.
import { requestFixture } from '../helpers/fixtures.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { expect } from 'chai';
import { managementClient, startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, errorCodeOf as errorCode, readForm, type Page } from '../helpers/browser.js';
import { extractAssertion, requireTool, xmlsecVerify } from '../helpers/xml-tools.js';
import { ACCOUNT_POLICY, ACCOUNT_IP_POLICY, IP_POLICY } from '../../src/http/login.js';
import type { User } from '../../src/users/types.js';

const PASSWORD = 'correct horse battery';
const SYSTEM = { type: 'system', id: 'test' } as const;
const hostile = (name: string) => requestFixture('hostile', name);
/** The page's own form: the first one in <main> (the dashboard sidebar's sign-out form comes before it). */
const mainForm = (page: Page) => readForm(page.body.slice(page.body.indexOf('<main')), page.url);

describe('security: accounts and browser sessions (issue 9)', () => {
  let server: TestServer;
  let admin: User;
  let counter = 0;
  const fresh = (prefix: string) => `${prefix}-${++counter}@example.com`;

  async function signIn(email: string, localAddress?: string): Promise<{ browser: Browser; done: Page }> {
    const browser = new Browser({}, localAddress);
    const login = await browser.request(`${server.url}/login`);
    const done = await browser.request(`${server.url}/login`, { form: { ...readForm(login.body, login.url).fields, username: email, password: PASSWORD } });
    return { browser, done };
  }
  const signedInAs = async (browser: Browser) => /You are signed in as <strong>([^<]+)<\/strong>/.exec((await browser.request(`${server.url}/login`)).body)?.[1];

  before(async () => {
    server = await startTestServer();
    admin = await server.services.users.create({ email: 'admin@example.com', password: PASSWORD, admin: true }, SYSTEM);
  });
  after(async () => server.destroy());

  describe('1. the Management API never makes an administrator', () => {
    const refused: [fixture: string, code: string, field: string][] = [
      ['users-admin-true.json', 'admin_not_allowed', 'CLI'],
      ['users-admin-false.json', 'admin_not_allowed', 'CLI'],
      ['users-admin-string.json', 'admin_not_allowed', 'CLI'],
      ['users-admin-null.json', 'admin_not_allowed', 'CLI'],
      ['users-name-control-character.json', 'invalid_body', 'name'],
      ['users-name-newline.json', 'invalid_body', 'name'],
      ['users-name-c1-control.json', 'invalid_body', 'name'],
      ['users-metadata-value-control-character.json', 'invalid_body', 'user_metadata.department'],
      ['users-metadata-value-lone-surrogate.json', 'invalid_body', 'user_metadata.department'],
      ['users-metadata-key-control-character.json', 'invalid_body', 'user_metadata'],
      ['users-email-zero-width-space.json', 'invalid_body', 'email'],
      ['users-email-right-to-left-override.json', 'invalid_body', 'email'],
      ['users-email-word-joiner.json', 'invalid_body', 'email'],
      ['users-email-byte-order-mark.json', 'invalid_body', 'email'],
      ['users-email-isolate.json', 'invalid_body', 'email'],
      ['users-email-control-character.json', 'invalid_body', 'email'],
    ];

    it('POST /api/v2/users with a create:users token: every hostile body is refused (400, by code, naming the field), nothing created', async () => {
      const api = await managementClient(server, 'create:users read:users');
      for (const [fixture, code, field] of refused) {
        const response = await api('/api/v2/users', { method: 'POST', json: JSON.parse(hostile(fixture)) });
        const body = (await response.json()) as { statusCode: number; errorCode: string; message: string };
        expect(response.status, fixture).to.equal(400);
        expect(body.errorCode, fixture).to.equal(code);
        expect(body.statusCode, fixture).to.equal(400);
        expect(body.message, fixture).to.include(field);
      }
      const users = (await (await api('/api/v2/users')).json()) as { email: string; admin: boolean }[];
      expect(users.map((user) => user.email)).to.deep.equal(['admin@example.com']);
    });

    it('the replayed attack: the would-be administrator does not exist and cannot reach the dashboard', async () => {
      const api = await managementClient(server, 'create:users');
      const attack = await api('/api/v2/users', { method: 'POST', json: { email: 'eve@example.com', password: PASSWORD, admin: true } });
      expect(attack.status).to.equal(400);
      expect(((await attack.json()) as { errorCode: string }).errorCode).to.equal('admin_not_allowed');
      const plain = await api('/api/v2/users', { method: 'POST', json: { email: 'eve@example.com', password: PASSWORD } });
      expect(plain.status).to.equal(201);
      expect(((await plain.json()) as { admin: boolean }).admin).to.equal(false);
      const { browser } = await signIn('eve@example.com');
      const dashboard = await browser.request(`${server.url}/dashboard/signing-keys`);
      expect(dashboard.status).to.equal(403);
    });
  });

  describe('1. dashboard Users page: administrators made only by an administrator, confirmed, CSRF-checked, audited', () => {
    it('lists users (linked in the navigation); "Make administrator" and "Remove administrator" with confirmation and audit', async () => {
      const target = await server.services.users.create({ email: fresh('promote'), password: PASSWORD }, SYSTEM);
      const { browser } = await signIn('admin@example.com');
      const list = await browser.request(`${server.url}/dashboard/users`);
      expect(list.status).to.equal(200);
      expect(list.body).to.include('href="/dashboard/users" aria-current="page"');
      expect(list.body).to.include(target.email).and.include(`/dashboard/users/${encodeURIComponent(target.userId)}/grant-admin`);
      expect(list.body, 'no way to remove your own role').not.to.include(`/dashboard/users/${encodeURIComponent(admin.userId)}/revoke-admin`);

      const grantUrl = `${server.url}/dashboard/users/${encodeURIComponent(target.userId)}/grant-admin`;
      const confirmation = await browser.request(grantUrl);
      expect(confirmation.status).to.equal(200);
      expect((await server.services.users.get(target.userId)).admin, 'GET changes nothing').to.equal(false);
      const form = mainForm(confirmation);
      const noToken = await browser.request(form.action, { method: 'POST', form: {} });
      expect(noToken.status).to.equal(403);
      expect(errorCode(noToken)).to.equal('csrf_rejected');
      expect((await server.services.users.get(target.userId)).admin).to.equal(false);

      const done = await browser.follow(form.action, { form: form.fields });
      expect(done.status).to.equal(200);
      expect((await server.services.users.get(target.userId)).admin).to.equal(true);
      const [granted] = await server.services.store.queryAudit({ limit: 1 });
      expect(granted).to.deep.include({ event: 'user_admin_granted' });
      expect(granted!.actor).to.deep.equal({ type: 'user', id: admin.userId });
      expect(granted!.details).to.deep.equal({ user_id: target.userId });

      const revoke = await browser.request(`${server.url}/dashboard/users/${encodeURIComponent(target.userId)}/revoke-admin`);
      const revokeForm = mainForm(revoke);
      await browser.follow(revokeForm.action, { form: revokeForm.fields });
      expect((await server.services.users.get(target.userId)).admin).to.equal(false);
      expect((await server.services.store.queryAudit({ limit: 1 }))[0]).to.deep.include({ event: 'user_admin_revoked' });
    });

    it('an administrator cannot remove their own role (409 cannot_remove_own_admin), neither the page nor the POST', async () => {
      const { browser } = await signIn('admin@example.com');
      const own = `${server.url}/dashboard/users/${encodeURIComponent(admin.userId)}/revoke-admin`;
      const page = await browser.request(own);
      expect(page.status).to.equal(409);
      expect(errorCode(page)).to.equal('cannot_remove_own_admin');
      const token = readForm((await browser.request(`${server.url}/dashboard/users`)).body, server.url).fields.csrf!;
      const post = await browser.request(own, { form: { csrf: token } });
      expect(post.status).to.equal(409);
      expect(errorCode(post)).to.equal('cannot_remove_own_admin');
      expect((await server.services.users.get(admin.userId)).admin).to.equal(true);
    });

    it('a signed-in non-administrator cannot use the Users page (403)', async () => {
      const plain = await server.services.users.create({ email: fresh('plain'), password: PASSWORD }, SYSTEM);
      const { browser } = await signIn(plain.email);
      expect((await browser.request(`${server.url}/dashboard/users`)).status).to.equal(403);
      const token = readForm((await browser.request(`${server.url}/login`)).body, server.url).fields.csrf!;
      const post = await browser.request(`${server.url}/dashboard/users/${encodeURIComponent(plain.userId)}/grant-admin`, { form: { csrf: token } });
      expect(post.status).to.equal(403);
      expect((await server.services.users.get(plain.userId)).admin).to.equal(false);
    });
  });

  describe('7. sign-in throttle: per account and address, per account, per address', () => {
    const attempt = (browser: Browser, page: Page, email: string, password: string) =>
      browser.request(`${server.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: email, password } });

    it('an attacker address that exhausts its attempts on an account does not lock the real user out', async () => {
      const victim = await server.services.users.create({ email: fresh('victim'), password: PASSWORD }, SYSTEM);
      const attacker = new Browser({}, '127.0.0.2');
      const page = await attacker.request(`${server.url}/login`);
      for (let i = 0; i < ACCOUNT_IP_POLICY.burst; i++) expect((await attempt(attacker, page, victim.email, `guess ${i}`)).status, `guess ${i}`).to.equal(401);
      const locked = await attempt(attacker, page, victim.email, PASSWORD);
      expect(locked.status, 'even the right password, from the attacker address').to.equal(429);
      expect(Number(locked.headers.get('retry-after'))).to.be.greaterThan(0);
      expect(locked.headers.getSetCookie().some((c) => c.startsWith('fedmeta_session='))).to.equal(false);

      const { browser: real, done } = await signIn(victim.email, '127.0.0.3');
      expect(done.status, 'the real user from another address').to.equal(303);
      expect(await signedInAs(real)).to.equal(victim.email);
      expect((await attempt(attacker, page, victim.email, 'once more')).status).to.equal(429);
      const audit = await server.services.store.queryAudit({ limit: 20 });
      expect(audit.some((entry) => entry.type === 'fp' && entry.ip === '127.0.0.2')).to.equal(true);
      const blocked = audit.filter((entry) => entry.type === 'limit_wc' && entry.user_name === victim.email);
      expect(blocked, 'the block is audited once, not once per refused attempt').to.have.length(1);
      expect(blocked[0]).to.deep.include({ event: 'login_blocked_account', ip: '127.0.0.2', details: { bucket: 'account-ip' } });
    });

    it('many addresses together still hit the per-account ceiling (429), even with the right password', async () => {
      const victim = await server.services.users.create({ email: fresh('target'), password: PASSWORD }, SYSTEM);
      const addresses = Math.ceil(ACCOUNT_POLICY.burst / ACCOUNT_IP_POLICY.burst);
      for (let a = 0; a < addresses; a++) {
        const browser = new Browser({}, `127.0.1.${a + 1}`);
        const page = await browser.request(`${server.url}/login`);
        for (let i = 0; i < ACCOUNT_IP_POLICY.burst && a * ACCOUNT_IP_POLICY.burst + i < ACCOUNT_POLICY.burst; i++) {
          expect((await attempt(browser, page, victim.email, `guess ${a}.${i}`)).status).to.equal(401);
        }
      }
      const { done } = await signIn(victim.email, '127.0.2.1');
      expect(done.status, 'a new address once the account ceiling is spent').to.equal(429);
      // Other accounts are not affected.
      const other = await server.services.users.create({ email: fresh('other'), password: PASSWORD }, SYSTEM);
      expect((await signIn(other.email, '127.0.2.1')).done.status).to.equal(303);
    });

    it('one address trying many accounts hits the per-address limit (429)', async () => {
      const browser = new Browser({}, '127.0.3.1');
      const page = await browser.request(`${server.url}/login`);
      for (let i = 0; i < IP_POLICY.burst; i++) {
        expect((await attempt(browser, page, `nobody-${Math.floor(i / ACCOUNT_IP_POLICY.burst)}@example.com`, 'guess')).status, `attempt ${i}`).to.equal(401);
      }
      expect((await attempt(browser, page, 'someone-else@example.com', 'guess')).status).to.equal(429);
      const [blocked] = await server.services.store.queryAudit({ filter: { events: ['login_blocked_ip'] }, limit: 5 });
      expect(blocked).to.deep.include({ type: 'limit_mu', ip: '127.0.3.1', user_name: 'someone-else@example.com' });
    });
  });

  describe('13. control characters in stored profile data never break a sign-in', () => {
    let samlApp: string;
    let wsfedApp: string;
    let browser: Browser;

    before(async () => {
      const create = async (name: string, callbacks: string[], addons: object) => (await server.services.clients.create({ name, callbacks, addons }, SYSTEM)).clientId;
      samlApp = await create('SP control', ['https://sp-control.example.com/acs'], { samlp: { audience: 'urn:sp:control', mappings: { name: 'urn:name', department: 'urn:department' } } });
      wsfedApp = await create('RP control', ['https://rp-control.example.com/signin'], { wsfed: { realm: 'urn:rp:control' } });
      // Stored before input was checked: written straight through the store, as an old row would be.
      const service = await server.services.users.create({ email: 'stored-bad@example.com', password: PASSWORD }, SYSTEM);
      await server.services.store.deleteUser(service.userId, { event: 'user_deleted', description: 'test', actor: SYSTEM }, new Date());
      await server.services.store.createUser(
        { ...service, name: 'Bad\u0001Name\uFFFE', attributes: { department: 'o\u0000ps\u001B\ud800' } },
        { event: 'user_created', description: 'test', actor: SYSTEM },
      );
      ({ browser } = await signIn('stored-bad@example.com'));
    });

    it('SAML (IdP-initiated): a signed Response whose attributes carry the values without the bad characters', async function () {
      requireTool(this, 'xmlsec1');
      const page = await browser.request(`${server.url}/samlp/${samlApp}`);
      expect(page.status, page.body.slice(0, 300)).to.equal(200);
      const xml = Buffer.from(readForm(page.body, page.url).fields.SAMLResponse!, 'base64').toString('utf8');
      expect(xml).to.include('>BadName<').and.include('>ops<');
      expect(xml).to.include('urn:oasis:names:tc:SAML:2.0:status:Success');
      const { pem } = await currentKeyFromApi(server);
      const verified = xmlsecVerify(extractAssertion(xml), pem, 'urn:oasis:names:tc:SAML:2.0:assertion:Assertion');
      expect(verified.ok, verified.output).to.equal(true);
    });

    it('WS-Fed (SAML 1.1 token): a signed token whose name claim has the bad characters removed', async function () {
      requireTool(this, 'xmlsec1');
      const page = await browser.request(`${server.url}/wsfed/${wsfedApp}?${new URLSearchParams({ wa: 'wsignin1.0' })}`);
      expect(page.status, page.body.slice(0, 300)).to.equal(200);
      const wresult = readForm(page.body, page.url).fields.wresult!;
      expect(wresult).to.include('>BadName<');
      const { pem } = await currentKeyFromApi(server);
      const verified = xmlsecVerify(wresult, pem, 'urn:oasis:names:tc:SAML:1.0:assertion:Assertion', 'AssertionID');
      expect(verified.ok, verified.output).to.equal(true);
    });
  });

  describe('16. e-mail addresses: NFKC and case folded, one normalisation for API, CLI and /login', () => {
    it('a full-width or differently cased address is the same account: 409 on create, and it signs in', async () => {
      const api = await managementClient(server, 'create:users');
      const created = await api('/api/v2/users', { method: 'POST', json: { email: 'Zoe@Example.com', password: PASSWORD } });
      expect(created.status).to.equal(201);
      expect(((await created.json()) as { email: string }).email).to.equal('zoe@example.com');
      for (const twin of ['ＺＯＥ@example.com', 'zoe@ｅｘａｍｐｌｅ．ｃｏｍ', ' ZOE@EXAMPLE.COM ']) {
        const duplicate = await api('/api/v2/users', { method: 'POST', json: { email: twin, password: PASSWORD } });
        expect(duplicate.status, twin).to.equal(409);
      }
      const { browser, done } = await signIn('ＺＯＥ@ｅｘａｍｐｌｅ.com');
      expect(done.status).to.equal(303);
      expect(await signedInAs(browser)).to.equal('zoe@example.com');
    });

    it('an address with a zero-width character cannot sign in as the look-alike account', async () => {
      const { done } = await signIn('zoe\u200b@example.com');
      expect(done.status).to.equal(401);
    });
  });

  describe('19. the CSRF token is bound to the session', () => {
    it("user A's dashboard form token with user B's session cookie is refused (403 csrf_rejected)", async () => {
      const other = await server.services.users.create({ email: fresh('admin-b'), password: PASSWORD, admin: true }, SYSTEM);
      const a = (await signIn('admin@example.com')).browser;
      const b = (await signIn(other.email)).browser;
      const aToken = mainForm(await a.request(`${server.url}/dashboard/signing-keys/rotate`)).fields.csrf!;
      const before = await server.services.keys.list();
      // The attacker also plants A's pre-session cookie in B's browser (the old token was bound to that cookie only).
      const planted = a.cookies.get('fedmeta_csrf');
      if (planted) b.cookies.set('fedmeta_csrf', planted);
      const forged = await b.request(`${server.url}/dashboard/signing-keys/rotate`, { form: { csrf: aToken } });
      expect(forged.status).to.equal(403);
      expect(errorCode(forged)).to.equal('csrf_rejected');
      expect(await server.services.keys.list()).to.deep.equal(before);
      // B's own page works, and A's token with A's cookie still does (it is A's session that it belongs to).
      const bToken = readForm((await b.request(`${server.url}/dashboard/signing-keys`)).body, server.url).fields.csrf!;
      expect(bToken).not.to.equal(aToken);
      const logoutB = await b.request(`${server.url}/logout`, { form: { csrf: aToken } });
      expect(logoutB.status).to.equal(403);
      expect(errorCode(logoutB)).to.equal('csrf_rejected');
      expect((await b.request(`${server.url}/dashboard/signing-keys`)).status, 'B is still signed in').to.equal(200);
    });

    it('before sign-in, a pre-session cookie the client made up is refused (403 csrf_rejected)', async () => {
      const browser = new Browser();
      const page = await browser.request(`${server.url}/login`);
      const issued = browser.cookies.get('fedmeta_csrf')!;
      expect(issued).to.match(/^[\w-]{43}\.[\w-]{43}$/);
      const cases: [string, string][] = [
        ['a value the client chose', 'A'.repeat(43)],
        ['a chosen nonce with a made-up signature', `${'A'.repeat(43)}.${'B'.repeat(43)}`],
        ['the old format (random value only)', issued.split('.')[0]!],
      ];
      for (const [what, value] of cases) {
        browser.cookies.set('fedmeta_csrf', value);
        const response = await browser.request(`${server.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: 'admin@example.com', password: PASSWORD } });
        expect(response.status, what).to.equal(403);
        expect(errorCode(response), what).to.equal('csrf_rejected');
        expect(response.headers.getSetCookie().some((c) => c.startsWith('fedmeta_session=')), what).to.equal(false);
      }
      browser.cookies.set('fedmeta_csrf', issued);
      const ok = await browser.request(`${server.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: 'admin@example.com', password: PASSWORD } });
      expect(ok.status).to.equal(303);
    });
  });

  describe('14. /logout: GET only asks, POST with the session token signs out', () => {
    it('GET /logout shows a confirmation form and ends nothing; POST without the token is refused; the form signs out', async () => {
      const user = await server.services.users.create({ email: fresh('leaver'), password: PASSWORD }, SYSTEM);
      const { browser } = await signIn(user.email);
      const confirmation = await browser.request(`${server.url}/logout`);
      expect(confirmation.status).to.equal(200);
      const form = readForm(confirmation.body, confirmation.url);
      expect(form.action).to.equal(`${server.url}/logout`);
      expect(confirmation.body).to.match(/<form method="post" action="\/logout">/);
      expect(form.fields.csrf).to.match(/^[\w-]{43}$/);
      expect(await signedInAs(browser), 'GET ended nothing').to.equal(user.email);

      const noToken = await browser.request(`${server.url}/logout`, { method: 'POST', form: {} });
      expect(noToken.status).to.equal(403);
      expect(errorCode(noToken)).to.equal('csrf_rejected');
      expect(await signedInAs(browser)).to.equal(user.email);

      const out = await browser.request(form.action, { form: form.fields });
      expect(out.status).to.equal(200);
      expect(errorCode(out)).to.equal('signed_out');
      expect(await signedInAs(browser)).to.equal(undefined);
      expect((await server.services.store.queryAudit({ limit: 1 }))[0]).to.deep.include({ type: 'slo' });
    });
  });
});
