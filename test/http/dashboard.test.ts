// The admin dashboard over HTTP: access control, Settings > Signing Keys (rotate, rotate & revoke,
// revoke, each confirmed and CSRF-protected, audited and rate-limited like the Management API),
// Applications and Logs. Chromium drives the same pages in test/browser/.
import { readFixture } from '../helpers/fixtures.js';
import { expect } from 'chai';
import { startTestServer, addApiClient, getToken, ALL_KEY_SCOPES, type TestServer } from '../helpers/server.js';
import { Browser, errorCodeOf, readForm, type Page } from '../helpers/browser.js';
import type { User } from '../../src/users/types.js';
import { MovableClock, passRevocableAt } from '../helpers/movable-clock.js';
import { publishedMetadataSigner } from '../helpers/metadata-signer.js';

const PASSWORD = 'correct horse battery';
const SYSTEM = { type: 'system', id: 'test' } as const;

/** The page's own form: the first one in <main> (the sidebar's sign-out form comes before it). */
function mainForm(page: Page) {
  return readForm(page.body.slice(page.body.indexOf('<main')), page.url);
}

async function signIn(server: TestServer, email: string): Promise<{ browser: Browser; landing: Page }> {
  const browser = new Browser();
  const login = await browser.request(`${server.url}/login`);
  const landing = await browser.submit(login, { username: email, password: PASSWORD });
  return { browser, landing };
}

/** GET a confirmation page, then submit its form. */
async function confirm(browser: Browser, url: string): Promise<{ confirmation: Page; result: Page }> {
  const confirmation = await browser.request(url);
  expect(confirmation.status, confirmation.body).to.equal(200);
  const form = mainForm(confirmation);
  const result = await browser.follow(form.action, { form: form.fields });
  return { confirmation, result };
}

const byState = async (server: TestServer) => {
  const keys = await server.services.keys.list();
  return {
    current: keys.find((key) => key.state === 'current')!.kid,
    next: keys.find((key) => key.state === 'next')!.kid,
    previous: keys.filter((key) => key.state === 'previous').map((key) => key.kid),
    revoked: keys.filter((key) => key.state === 'revoked').map((key) => key.kid),
  };
};

const row = (page: Page, kid: string) => new RegExp(`<tr data-kid="${kid}" data-state="(\\w+)">([\\s\\S]*?)</tr>`).exec(page.body);
const flashOf = (page: Page) => /<div class="flash (\w+)" role="\w+">([^<]*)<\/div>/.exec(page.body);

describe('dashboard (/dashboard)', () => {
  let server: TestServer;
  let admin: User;
  const clock = new MovableClock();

  before(async () => {
    server = await startTestServer({ clock });
    admin = await server.services.users.create({ email: 'admin@example.com', password: PASSWORD, admin: true }, SYSTEM);
    await server.services.users.create({ email: 'user@example.com', password: PASSWORD }, SYSTEM);
  });
  after(async () => server.destroy());

  describe('access', () => {
    it('sends an anonymous visitor to /login and back to the page asked for after sign-in', async () => {
      const browser = new Browser();
      const first = await browser.request(`${server.url}/dashboard/logs`);
      expect(first.status).to.equal(303);
      expect(first.headers.get('location')).to.match(/^\/login\?state=[\w-]{32}$/);
      const login = await browser.follow(`${server.url}${first.headers.get('location')}`);
      expect(login.body).to.include('the fedmeta dashboard');
      const landing = await browser.submit(login, { username: 'admin@example.com', password: PASSWORD });
      expect(landing.status).to.equal(200);
      expect(landing.url).to.equal(`${server.url}/dashboard/logs`);
    });

    it('lands an administrator on /dashboard after a plain sign-in at /login, and again on a later visit to /login', async () => {
      const browser = new Browser();
      const login = await browser.request(`${server.url}/login`);
      const done = await browser.request(`${server.url}/login`, { form: { ...readForm(login.body, login.url).fields, username: 'admin@example.com', password: PASSWORD } });
      expect(done.status).to.equal(303);
      expect(done.headers.get('location')).to.equal('/dashboard');
      const cookie = done.headers.getSetCookie().find((c) => c.startsWith('fedmeta_session='))!;
      expect(cookie).to.match(/httponly/i).and.match(/samesite=lax/i);
      const landing = await browser.follow(`${server.url}/dashboard`);
      expect(landing.url).to.equal(`${server.url}/dashboard/signing-keys`);
      expect(landing.body).to.include('<h1>Signing Keys</h1>').and.include('admin@example.com');
      expect((await browser.request(`${server.url}/login`)).headers.get('location')).to.equal('/dashboard');
    });

    it('answers a signed-in non-administrator 403 on every page and every action, changing nothing', async () => {
      const { browser, landing } = await signIn(server, 'user@example.com');
      expect(landing.body).to.include('Signed in');
      for (const path of ['/dashboard', '/dashboard/signing-keys', '/dashboard/applications', '/dashboard/logs']) {
        const page = await browser.request(`${server.url}${path}`);
        expect(page.status, path).to.equal(403);
        expect(errorCodeOf(page), path).to.equal('admin_required');
        expect(page.body).to.include('Administrators only').and.include('admin_required');
      }
      const before = await byState(server);
      const forbidden = await browser.request(`${server.url}/dashboard/signing-keys/rotate`);
      const refused = await browser.request(`${server.url}/dashboard/signing-keys/rotate`, { form: { csrf: readForm(forbidden.body, forbidden.url).fields.csrf! } });
      expect(refused.status).to.equal(403);
      expect(errorCodeOf(refused)).to.equal('admin_required');
      expect(await byState(server)).to.deep.equal(before);
    });

    it('sends strict security headers and no inline script on every page', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const { current } = await byState(server);
      const pages = ['signing-keys', 'signing-keys/rotate', 'signing-keys/rotate-and-revoke', 'applications', 'applications/new-saml', 'applications/new-wsfed', 'logs'];
      for (const path of pages) {
        const page = await browser.request(`${server.url}/dashboard/${path}`);
        expect(page.status, path).to.equal(200);
        const csp = page.headers.get('content-security-policy')!;
        expect(csp, path).to.include("default-src 'none'").and.include("script-src 'self'").and.include("frame-ancestors 'none'").and.include("form-action 'self'");
        expect(csp).not.to.include('unsafe-inline');
        expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(page.headers.get('referrer-policy')).to.equal('same-origin');
        expect(page.headers.get('x-frame-options')).to.equal('DENY');
        expect(page.headers.get('cache-control')).to.equal('no-store');
        expect(page.body).not.to.match(/<script(?![^>]*\bsrc=)/);
        expect(page.body).not.to.match(/\son[a-z]+=/i);
      }
      const conflict = await browser.request(`${server.url}/dashboard/signing-keys/${current}/revoke`);
      expect(conflict.status).to.equal(409);
      expect(errorCodeOf(conflict)).to.equal('key_state_conflict');
      expect(conflict.headers.get('content-security-policy')).to.include("frame-ancestors 'none'");
    });
  });

  describe('Settings > Signing Keys', () => {
    it('lists every key with state, kid, fingerprint, dates, certificate expiry and download links', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const page = await browser.request(`${server.url}/dashboard/signing-keys`);
      const { current, next } = await byState(server);
      for (const [kid, state] of [[current, 'current'], [next, 'next']] as const) {
        const match = row(page, kid)!;
        expect(match[1]).to.equal(state);
        const published = (await fetch(`${server.url}/fingerprint?kid=${kid}`).then((r) => r.text())).trim();
        expect(match[2]!.replace(/<wbr>/g, '')).to.include(published).and.include('class="cert-expires"');
        for (const format of ['cer', 'pem', 'rawpem', 'pb7']) expect(match[2]).to.include(`href="/${format}?kid=${kid}" download`);
        expect(match[2]).not.to.include('/revoke');
      }
      expect(row(page, current)![2]).to.include('Current since');
      expect(page.body).to.include('href="/dashboard/signing-keys/rotate"').and.include('href="/dashboard/signing-keys/rotate-and-revoke"');
    });

    it('shows the metadata-signing key: its kid and fingerprint as published at /metadata-signer.pem, with downloads', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const page = await browser.request(`${server.url}/dashboard/signing-keys`);
      const section = page.body.slice(page.body.indexOf('id="metadata-signer"'));
      const pem = await (await fetch(`${server.url}/metadata-signer.pem`)).text();
      const { X509Certificate } = await import('node:crypto');
      expect(section).to.include(new X509Certificate(pem).fingerprint).and.include('Metadata Signing Key');
      expect(section).to.include('href="/metadata-signer.pem" download').and.include('href="/metadata-signer.cer" download');
      expect(section).to.include((await publishedMetadataSigner(server)).kid);
    });

    it('rotates after a confirmation that says what happens to relying parties; audited with the admin as actor', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const before = await byState(server);
      const { confirmation, result } = await confirm(browser, `${server.url}/dashboard/signing-keys/rotate`);
      expect(confirmation.body).to.include('What will happen to relying parties').and.include(before.next).and.include(before.current);
      expect(mainForm(confirmation).action).to.equal(`${server.url}/dashboard/signing-keys/rotate`);
      expect(await byState(server)).to.deep.include({ current: before.next });
      expect(result.url).to.equal(`${server.url}/dashboard/signing-keys`);
      expect(flashOf(result)?.[1]).to.equal('ok');
      expect(flashOf(result)?.[2]).to.include(`${before.next} is now the current key`);
      expect(row(result, before.next)![1]).to.equal('current');
      expect(row(result, before.current)![1]).to.equal('previous');
      // The revoke guard: no Revoke link until revocable_at, and the reason is shown.
      expect(row(result, before.current)![2]).not.to.include(`href="/dashboard/signing-keys/${before.current}/revoke"`);
      expect(row(result, before.current)![2]).to.include('Revocable at').and.include('revoke-blocked').and.include('may still be accepted until');
      const blocked = await browser.request(`${server.url}/dashboard/signing-keys/${before.current}/revoke`);
      expect(blocked.status).to.equal(409);
      expect(blocked.body).to.include('key_still_in_use').and.include('cannot be revoked yet');
      const [entry] = await server.services.store.queryAudit({ limit: 1 });
      expect(entry).to.deep.include({ event: 'key_rotated', actor: { type: 'user', id: admin.userId } });
      const again = await browser.request(`${server.url}/dashboard/signing-keys`);
      expect(flashOf(again), 'the flash is shown once').to.equal(null);
    });

    it('revokes a previous key after confirmation: it leaves the JWKS at once', async () => {
      await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
      const [kid] = (await byState(server)).previous;
      await passRevocableAt(server, clock, kid!);
      const { browser } = await signIn(server, 'admin@example.com');
      const { confirmation, result } = await confirm(browser, `${server.url}/dashboard/signing-keys/${kid}/revoke`);
      expect(confirmation.body).to.include('What will happen to relying parties').and.include('cannot be undone');
      expect(row(result, kid!)![1]).to.equal('revoked');
      expect(row(result, kid!)![2]).to.include('Revoked at').and.include('Not published').and.not.include('/pem?kid=');
      expect(flashOf(result)?.[2]).to.include(`Key ${kid} is revoked`);
      const jwks = (await fetch(`${server.url}/.well-known/jwks.json`).then((r) => r.json())) as { keys: { kid: string }[] };
      expect(jwks.keys.map((key) => key.kid)).not.to.include(kid);
      const [entry] = await server.services.store.queryAudit({ limit: 1 });
      expect(entry).to.deep.include({ event: 'key_revoked', actor: { type: 'user', id: admin.userId } });
      const gone = await browser.request(`${server.url}/dashboard/signing-keys/${kid}/revoke`);
      expect(gone.status).to.equal(409);
      expect(errorCodeOf(gone)).to.equal('key_state_conflict');
      expect(gone.body).to.include('already revoked');
      const unknown = await browser.request(`${server.url}/dashboard/signing-keys/nope/revoke`);
      expect(unknown.status).to.equal(404);
      expect(errorCodeOf(unknown)).to.equal('key_not_found');
    });

    it('Rotate & Revoke: the key that was current ends revoked', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const before = await byState(server);
      const { confirmation, result } = await confirm(browser, `${server.url}/dashboard/signing-keys/rotate-and-revoke`);
      expect(confirmation.body).to.include('Everything it signed stops verifying').and.include(before.current);
      const after = await byState(server);
      expect(after.current).to.equal(before.next);
      expect(after.revoked).to.include(before.current);
      expect(row(result, before.current)![1]).to.equal('revoked');
      expect(flashOf(result)?.[2]).to.include('Emergency rotation done');
    });

    it('refuses a POST without a valid CSRF token, from another origin, or marked cross-site, even without a session', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const page = await browser.request(`${server.url}/dashboard/signing-keys/rotate`);
      const token = mainForm(page).fields.csrf!;
      const before = await byState(server);
      const attempts: [Record<string, string>, Record<string, string>][] = [
        [{}, {}],
        [{ csrf: 'forged' }, {}],
        [{ csrf: token }, { origin: 'https://evil.example' }],
        [{ csrf: token }, { 'sec-fetch-site': 'cross-site' }],
        [{ csrf: token }, { 'sec-fetch-site': 'same-site' }],
      ];
      for (const [form, headers] of attempts) {
        const refused = await browser.request(`${server.url}/dashboard/signing-keys/rotate`, { method: 'POST', form, headers });
        expect(refused.status, JSON.stringify([form, headers])).to.equal(403);
        expect(refused.body).to.include('csrf_rejected');
      }
      const anonymous = await new Browser({ 'sec-fetch-site': 'cross-site' }).request(`${server.url}/dashboard/signing-keys/rotate-and-revoke`, { method: 'POST', form: {} });
      expect(anonymous.status).to.equal(403);
      expect(errorCodeOf(anonymous)).to.equal('csrf_rejected');
      expect(await byState(server)).to.deep.equal(before);
    });
  });

  describe('API clients', () => {
    const tokenFor = (credentials: { client_id: string; client_secret: string }) =>
      fetch(`${server.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${server.config.issuer}/api/v2/` }),
      });
    const keysWith = (token: string) => fetch(`${server.url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${token}` } });
    const clientRow = (page: Page, clientId: string) => new RegExp(`<tr data-client-id="${clientId}">([\\s\\S]*?)</tr>`).exec(page.body);

    it('lists every API client with its scopes (never a secret or hash) and is linked from the navigation', async () => {
      const credentials = await addApiClient(server, 'read:signing_keys read:logs');
      const { browser } = await signIn(server, 'admin@example.com');
      const page = await browser.request(`${server.url}/dashboard/api-clients`);
      expect(page.status).to.equal(200);
      expect(page.body).to.include('<a href="/dashboard/api-clients" aria-current="page">API clients</a>');
      expect(clientRow(page, credentials.client_id)![1]).to.include('read:signing_keys').and.include('read:logs');
      expect(page.body).not.to.include(credentials.client_secret);
      expect(page.body).not.to.include('scrypt');
      const keysPage = await browser.request(`${server.url}/dashboard/signing-keys`);
      expect(keysPage.body).to.include('<a href="/dashboard/api-clients">API clients</a>');
    });

    it('Rotate secret: confirmation, then the new secret shown once; the old secret and its tokens stop working; audited as the administrator', async () => {
      const credentials = await addApiClient(server, 'read:signing_keys');
      const oldToken = ((await (await tokenFor(credentials)).json()) as { access_token: string }).access_token;
      const { browser } = await signIn(server, 'admin@example.com');
      const { confirmation, result } = await confirm(browser, `${server.url}/dashboard/api-clients/${credentials.client_id}/rotate-secret`);
      expect(confirmation.body).to.include(credentials.client_id);
      expect(result.status).to.equal(200);
      expect(result.headers.get('cache-control')).to.equal('no-store');
      const secret = /<code class="secret" data-secret>([^<]+)<\/code>/.exec(result.body)![1]!;
      expect(secret).not.to.equal(credentials.client_secret);
      expect(result.body).to.include('shown only this once');

      const stale = await keysWith(oldToken);
      expect(stale.status).to.equal(401);
      expect(((await stale.json()) as { errorCode: string }).errorCode).to.equal('invalid_token');
      expect(((await (await tokenFor(credentials)).json()) as { error: string }).error).to.equal('invalid_client');
      expect((await tokenFor({ client_id: credentials.client_id, client_secret: secret })).status).to.equal(200);
      const list = await browser.request(`${server.url}/dashboard/api-clients`);
      expect(list.body, 'the secret is not shown again').not.to.include(secret);
      const [entry] = (await server.services.store.queryAudit({ limit: 50 })).filter((e) => e.event === 'api_client_secret_rotated');
      expect(entry).to.deep.include({ actor: { type: 'user', id: admin.userId }, details: { client_id: credentials.client_id } });
    });

    it('Remove: confirmation, then the client is gone and its tokens stop working; audited; an unknown id is 404 api_client_not_found', async () => {
      const credentials = await addApiClient(server, 'read:signing_keys');
      const token = ((await (await tokenFor(credentials)).json()) as { access_token: string }).access_token;
      const { browser } = await signIn(server, 'admin@example.com');
      const { result } = await confirm(browser, `${server.url}/dashboard/api-clients/${credentials.client_id}/remove`);
      expect(result.url).to.equal(`${server.url}/dashboard/api-clients`);
      expect(flashOf(result)?.[1]).to.equal('ok');
      expect(clientRow(result, credentials.client_id)).to.equal(null);
      const refused = await keysWith(token);
      expect(refused.status).to.equal(401);
      expect(((await refused.json()) as { errorCode: string }).errorCode).to.equal('invalid_token');
      const [entry] = (await server.services.store.queryAudit({ limit: 50 })).filter((e) => e.event === 'api_client_deleted');
      expect(entry).to.deep.include({ actor: { type: 'user', id: admin.userId }, details: { client_id: credentials.client_id } });

      for (const path of [`/dashboard/api-clients/${credentials.client_id}/remove`, '/dashboard/api-clients/no-such-client/rotate-secret']) {
        const missing = await browser.request(`${server.url}${path}`);
        expect(missing.status, path).to.equal(404);
        expect(errorCodeOf(missing), path).to.equal('api_client_not_found');
        expect(missing.body).to.include('api_client_not_found');
      }
    });

    it('refuses Remove and Rotate secret without a valid CSRF token, and changes nothing', async () => {
      const credentials = await addApiClient(server, 'read:signing_keys');
      const { browser } = await signIn(server, 'admin@example.com');
      for (const action of ['remove', 'rotate-secret']) {
        for (const form of [{}, { csrf: 'forged' }] as Record<string, string>[]) {
          const refused = await browser.request(`${server.url}/dashboard/api-clients/${credentials.client_id}/${action}`, { method: 'POST', form });
          expect(refused.status, `${action} ${JSON.stringify(form)}`).to.equal(403);
          expect(errorCodeOf(refused), `${action} ${JSON.stringify(form)}`).to.equal('csrf_rejected');
          expect(refused.body).to.include('csrf_rejected');
        }
      }
      expect((await tokenFor(credentials)).status, 'the secret still works').to.equal(200);
      expect((await server.services.store.findApiClient(credentials.client_id))!.secretVersion).to.equal(1);
    });
  });

  describe('Applications', () => {
    it('creates a SAML application from pasted SP metadata and lists its metadata URL and callbacks', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const form = await browser.request(`${server.url}/dashboard/applications/new-saml`);
      const metadata = readFixture('metadata/simplesamlphp-1.19-sp.xml');
      const list = await browser.follow(mainForm(form).action, { form: { ...mainForm(form).fields, name: 'Wiki', metadata } });
      expect(list.url).to.equal(`${server.url}/dashboard/applications`);
      const app = (await server.services.clients.list()).find((candidate) => candidate.name === 'Wiki')!;
      expect(flashOf(list)?.[2]).to.include('Application &quot;Wiki&quot; created');
      expect(app.addons.samlp!.idpInitiated, 'the checkbox left unticked: the default').to.equal(true);
      expect(list.body).to.include(`${server.config.issuer}/samlp/metadata/${app.clientId}`);
      for (const callback of app.callbacks) expect(list.body).to.include(callback);
      expect(list.body).to.include(`value="${server.config.issuer}/.well-known/jwks.json"`);
      const [entry] = await server.services.store.queryAudit({ limit: 1 });
      expect(entry).to.deep.include({ event: 'client_created', actor: { type: 'user', id: admin.userId } });
    });

    it('new SAML application: the "Refuse IdP-initiated sign-in" checkbox, unticked by default, turns IdP-initiated sign-in off', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const form = await browser.request(`${server.url}/dashboard/applications/new-saml`);
      expect(form.body).to.match(/<input type="checkbox" name="refuseIdpInitiated" value="on">/);
      expect(mainForm(form).fields).not.to.have.property('refuseIdpInitiated');
      const metadata = readFixture('metadata/shibboleth-sp3-sp.xml');
      await browser.follow(mainForm(form).action, { form: { ...mainForm(form).fields, name: 'Refusing', metadata, refuseIdpInitiated: 'on' } });
      const refusing = (await server.services.clients.list()).find((candidate) => candidate.name === 'Refusing')!;
      expect(refusing.addons.samlp!.idpInitiated).to.equal(false);
    });

    it('creates a WS-Fed application from a realm and callback, and lists its federation metadata URL', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const form = await browser.request(`${server.url}/dashboard/applications/new-wsfed`);
      const fields = { ...mainForm(form).fields, name: 'Intranet', realm: 'urn:example:intranet', callback: 'https://intranet.example.com/signin-wsfed', tokenFormat: 'saml20' };
      const list = await browser.follow(mainForm(form).action, { form: fields });
      const app = (await server.services.clients.list()).find((candidate) => candidate.name === 'Intranet')!;
      expect(app.addons.wsfed).to.deep.include({ realm: 'urn:example:intranet', tokenFormat: 'saml20' });
      expect(list.body).to.include(`${server.config.issuer}/wsfed/${app.clientId}/FederationMetadata/2007-06/FederationMetadata.xml`);
      expect(list.body).to.include('https://intranet.example.com/signin-wsfed');
    });

    it('shows a refused form again with a readable message and the values typed', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const form = await browser.request(`${server.url}/dashboard/applications/new-wsfed`);
      const fields = { ...mainForm(form).fields, name: 'Plain', realm: 'urn:plain', callback: 'http://plain.example.com/cb' };
      const refused = await browser.request(mainForm(form).action, { form: fields });
      expect(refused.status).to.equal(400);
      expect(refused.body).to.include('The callback URL must be an https: URL').and.include('value="urn:plain"');
      const saml = await browser.request(`${server.url}/dashboard/applications/new-saml`);
      const bad = await browser.request(mainForm(saml).action, { form: { ...mainForm(saml).fields, metadata: '<EntityDescriptor' } });
      expect(bad.status).to.equal(400);
      expect(bad.body).to.include('class="flash error"').and.include('&lt;EntityDescriptor');
    });

    it('escapes every value: an application named <script> renders as text', async () => {
      const name = '<script>alert("xss")</script><img src=x onerror=alert(1)>';
      await server.services.clients.create(
        { name, callbacks: ['https://xss.example.com/"><script>alert(2)</script>'], addons: { wsfed: { realm: 'urn:"><b>x</b>' } } },
        SYSTEM,
      );
      const { browser } = await signIn(server, 'admin@example.com');
      const list = await browser.request(`${server.url}/dashboard/applications`);
      expect(list.body).to.include('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(list.body).not.to.include('<script>alert').and.not.include('<img src=x').and.not.include('<b>x</b>');
      const logs = await browser.request(`${server.url}/dashboard/logs`);
      expect(logs.body).to.include('Created application &quot;&lt;script&gt;').and.not.include('<script>alert');
    });
  });

  describe('Logs', () => {
    it('shows the audit log newest first, with the administrator by email', async () => {
      const { browser } = await signIn(server, 'admin@example.com');
      const before = await byState(server);
      await confirm(browser, `${server.url}/dashboard/signing-keys/rotate`);
      const logs = await browser.request(`${server.url}/dashboard/logs`);
      const events = [...logs.body.matchAll(/<tr data-event="([^"]+)"/g)].map((match) => match[1]);
      expect(events.slice(0, 2)).to.deep.equal(['key_rotated', 'login_succeeded']);
      const first = /<tr data-event="key_rotated"[^>]*>([\s\S]*?)<\/tr>/.exec(logs.body)![1]!;
      expect(first).to.include('Key rotated').and.include(`${before.next} is now current`).and.include('admin@example.com');
    });
  });
});

describe('dashboard rotation rate limit', () => {
  it('shows the shared limit as a readable message, and the Management API sees the same allowance', async () => {
    const server = await startTestServer({ env: { FEDMETA_ROTATION_RATE_BURST: '1', FEDMETA_ROTATION_RATE_PER_DAY: '2' } });
    try {
      await server.services.users.create({ email: 'admin@example.com', password: PASSWORD, admin: true }, SYSTEM);
      const { browser } = await signIn(server, 'admin@example.com');
      const first = await confirm(browser, `${server.url}/dashboard/signing-keys/rotate`);
      expect(flashOf(first.result)?.[1]).to.equal('ok');
      const before = await byState(server);
      const second = await confirm(browser, `${server.url}/dashboard/signing-keys/rotate`);
      expect(second.confirmation.body).to.include('rate limit is reached');
      expect(flashOf(second.result)?.[1]).to.equal('error');
      expect(flashOf(second.result)?.[2]).to.match(/^Nothing was changed: signing keys may be rotated or revoked at most 1 time in a row .* Try again in 12 hours\.$/);
      expect(second.result.body).to.include('The rotation rate limit is reached');
      expect(await byState(server)).to.deep.equal(before);
      const token = await getToken(server, await addApiClient(server, ALL_KEY_SCOPES));
      const api = await fetch(`${server.url}/api/v2/keys/signing/rotate`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(api.status).to.equal(429);
    } finally {
      await server.destroy();
    }
  });
});
