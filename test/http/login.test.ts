import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm } from '../helpers/browser.js';

describe('end-user login (/login, /logout)', () => {
  let server: TestServer;
  const loginUrl = () => `${server.url}/login`;

  before(async () => {
    server = await startTestServer();
    await server.services.users.create({ email: 'ann@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
    await server.services.users.create({ email: 'bob@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
    await server.services.users.create({ email: 'carol@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
  });
  after(async () => server.destroy());

  it('renders the form with a CSRF token, strict security headers and no inline script', async () => {
    const browser = new Browser();
    const page = await browser.request(loginUrl());
    expect(page.status).to.equal(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).to.include("default-src 'none'").and.include("frame-ancestors 'none'").and.include("script-src 'self'");
    expect(csp).not.to.include('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(page.body).not.to.match(/<script(?![^>]*\bsrc=)/);
    expect(readForm(page.body, page.url).fields.csrf).to.match(/^[\w-]{43}$/);
  });

  it('signs in: session cookie HttpOnly and SameSite=Lax, audit entry, signed-in page, then signs out', async () => {
    const browser = new Browser();
    const page = await browser.request(loginUrl());
    const done = await browser.request(`${server.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: 'ANN@example.com', password: 'correct horse' } });
    expect(done.status).to.equal(303);
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith('fedmeta_session='))!;
    expect(cookie).to.match(/httponly/i).and.match(/samesite=lax/i).and.not.match(/secure/i);
    const signedIn = await browser.follow(loginUrl());
    expect(signedIn.body).to.include('ann@example.com');
    const logs = await server.services.store.queryAudit({ limit: 5 });
    expect(logs[0]).to.deep.include({ type: 's' });
    const out = await browser.submit(signedIn);
    expect(out.body).to.include('Signed out');
    expect((await browser.follow(loginUrl())).body).to.include('name="password"');
  });

  it('a wrong password gets a 401 form with a message, and an audit entry', async () => {
    const browser = new Browser();
    const page = await browser.request(loginUrl());
    const wrong = await browser.submit(page, { username: 'bob@example.com', password: 'wrong password' });
    expect(wrong.status).to.equal(401);
    expect(wrong.body).to.include('Wrong email or password.');
    const unknown = await browser.submit(page, { username: 'nobody@example.com', password: 'whatever' });
    expect(unknown.status).to.equal(401);
    expect(unknown.body).to.include('Wrong email or password.');
    const [unknownEntry, wrongEntry] = await server.services.store.queryAudit({ limit: 2 });
    expect(unknownEntry).to.deep.include({ type: 'fu', event: 'login_unknown_user', user_name: 'nobody@example.com' });
    expect(unknownEntry).not.to.have.property('user_id');
    expect(wrongEntry).to.deep.include({ type: 'fp', event: 'login_failed', user_name: 'bob@example.com' });
    expect(wrongEntry!.user_id, 'the user the password was wrong for').to.equal((await server.services.store.findUserByEmail('bob@example.com'))!.userId);
  });

  it('refuses a POST without the CSRF token, from another origin, or marked cross-site (403)', async () => {
    const cases: [Record<string, string>, boolean][] = [
      [{}, false],
      [{ origin: 'https://evil.example.com' }, true],
      [{ 'sec-fetch-site': 'cross-site' }, true],
    ];
    for (const [headers, withToken] of cases) {
      const browser = new Browser(headers);
      const page = await browser.request(loginUrl());
      const fields = readForm(page.body, page.url).fields;
      if (!withToken) delete fields.csrf;
      const response = await browser.request(loginUrl(), { form: { ...fields, username: 'ann@example.com', password: 'correct horse' } });
      expect(response.status, JSON.stringify(headers)).to.equal(403);
      expect(response.body).to.include('csrf_rejected');
      expect(response.headers.getSetCookie().some((c) => c.startsWith('fedmeta_session='))).to.equal(false);
    }
  });

  it('throttles failed attempts per account (429 with Retry-After) while right passwords do not count', async () => {
    const browser = new Browser();
    let page = await browser.request(loginUrl());
    for (let i = 0; i < 6; i++) {
      const ok = await browser.submit(page, { username: 'ann@example.com', password: 'correct horse' });
      expect(ok.status, `good sign-in ${i}`).to.equal(200);
      await browser.submit(await browser.request(`${server.url}/logout`));
      page = await browser.request(loginUrl());
    }
    for (let i = 0; i < 5; i++) expect((await browser.submit(page, { username: 'carol@example.com', password: `guess ${i}` })).status).to.equal(401);
    const throttled = await browser.request(loginUrl(), { form: { ...readForm(page.body, page.url).fields, username: 'carol@example.com', password: 'correct horse' } });
    expect(throttled.status).to.equal(429);
    expect(Number(throttled.headers.get('retry-after'))).to.be.greaterThan(0);
    expect(throttled.body).to.include('Too many sign-in attempts');
    expect(throttled.headers.getSetCookie().some((c) => c.startsWith('fedmeta_session='))).to.equal(false);
    // Another account from the same browser is not locked by Carol's throttle.
    expect((await browser.submit(page, { username: 'ann@example.com', password: 'correct horse' })).status).to.equal(200);
  });

  it('an https issuer makes the session cookie Secure', async () => {
    const secure = await startTestServer({ env: { FEDMETA_ISSUER: 'https://idp.example.com' } });
    try {
      await secure.services.users.create({ email: 'ann@example.com', password: 'correct horse' }, { type: 'system', id: 'test' });
      const browser = new Browser();
      const page = await browser.request(`${secure.url}/login`);
      const done = await browser.request(`${secure.url}/login`, { form: { ...readForm(page.body, page.url).fields, username: 'ann@example.com', password: 'correct horse' } });
      expect(done.headers.getSetCookie().find((c) => c.startsWith('fedmeta_session='))).to.match(/;\s*secure/i);
    } finally {
      await secure.destroy();
    }
  });
});
