// The admin dashboard in a real browser (Debian's Chromium, headless): sign-in, Rotate Key with
// its confirmation, Revoke, certificate download, CSRF from another site, escaping, access control
// and the rotation rate limit, with the page's CSP in force (no violation may be reported).
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN, chromiumOrSkip, signIn, watchPage } from './chromium.js';
import { MovableClock, passRevocableAt } from '../helpers/movable-clock.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const USER = { email: 'user@example.com', password: 'correct horse battery' };

const kidIn = (page: Page, state: string) => page.locator(`tr[data-state="${state}"]`).first().getAttribute('data-kid');

describe('dashboard in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: TestServer;
  const clock = new MovableClock();
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async function () {
    browser = await chromiumOrSkip(this);
    server = await startTestServer({ clock });
    await server.services.users.create({ ...ADMIN, admin: true }, SYSTEM);
    await server.services.users.create(USER, SYSTEM);
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });

  beforeEach(async () => {
    context = await browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    problems = watchPage(page);
  });
  afterEach(async () => {
    await context.close();
    expect(problems, 'CSP violations or dialogs').to.deep.equal([]);
  });

  it('sends an anonymous visitor to /login, then to the dashboard after sign-in', async () => {
    await page.goto(`${server.url}/dashboard`);
    expect(page.url()).to.match(/\/login\?state=/);
    expect(await page.locator('main').textContent()).to.include('the fedmeta dashboard');
    await signIn(page, server, ADMIN, new URL(page.url()).pathname + new URL(page.url()).search);
    expect(page.url()).to.equal(`${server.url}/dashboard/signing-keys`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Signing Keys');
  });

  it('rotates after confirmation and shows the new current key', async () => {
    await signIn(page, server);
    expect(page.url()).to.equal(`${server.url}/dashboard/signing-keys`);
    const oldCurrent = await kidIn(page, 'current');
    const oldNext = await kidIn(page, 'next');
    await page.getByRole('link', { name: 'Rotate Key' }).click();
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).to.equal('What will happen to relying parties');
    expect(await page.locator('.consequences').textContent()).to.include(oldNext!).and.include(oldCurrent!);
    await page.getByRole('button', { name: 'Rotate', exact: true }).click();
    expect(page.url()).to.equal(`${server.url}/dashboard/signing-keys`);
    expect(await page.locator('.flash.ok').textContent()).to.include(`${oldNext} is now the current key`);
    expect(await kidIn(page, 'current')).to.equal(oldNext);
    expect(await page.locator(`tr[data-kid="${oldCurrent}"]`).getAttribute('data-state')).to.equal('previous');
  });

  it('revokes the previous key after confirmation; it is gone from /.well-known/jwks.json', async () => {
    await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
    await passRevocableAt(server, clock, (await server.services.keys.list()).find((key) => key.state === 'previous')!.kid);
    await signIn(page, server);
    const previous = await kidIn(page, 'previous');
    expect(previous).to.be.a('string');
    await page.locator(`tr[data-kid="${previous}"]`).getByRole('link', { name: 'Revoke' }).click();
    expect(await page.locator('main').textContent()).to.include('Revocation cannot be undone').and.include(previous!);
    await page.getByRole('button', { name: 'Revoke', exact: true }).click();
    expect(await page.locator(`tr[data-kid="${previous}"]`).getAttribute('data-state')).to.equal('revoked');
    expect(await page.locator('.flash.ok').textContent()).to.include(`Key ${previous} is revoked`);
    expect(await page.locator('tr[data-state="current"], tr[data-state="next"]').getByRole('link', { name: 'Revoke' }).count()).to.equal(0);
    const jwks = (await (await page.request.get(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).not.to.include(previous);
  });

  it("downloads the current key's PEM, identical to /pem?kid=", async () => {
    await signIn(page, server);
    const kid = await kidIn(page, 'current');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator(`tr[data-kid="${kid}"]`).getByRole('link', { name: 'PEM', exact: true }).click(),
    ]);
    const downloaded = await readFile((await download.path())!, 'utf8');
    const published = await (await fetch(`${server.url}/pem?kid=${kid}`)).text();
    expect(downloaded).to.equal(published);
    expect(downloaded).to.match(/^-----BEGIN CERTIFICATE-----\n/);
  });

  it('refuses a form posted from another site (CSRF) and changes nothing', async () => {
    const evil = await startEvilSite(`${server.url}/dashboard/signing-keys/rotate`);
    try {
      await signIn(page, server);
      const before = await kidIn(page, 'current');
      await page.goto(evil.url);
      const [response] = await Promise.all([page.waitForResponse(`${server.url}/dashboard/signing-keys/rotate`), page.getByRole('button', { name: 'Win a prize' }).click()]);
      expect(response.status()).to.equal(403);
      expect(await page.locator('main').textContent()).to.include('Cross-site form submission refused');
      await page.goto(`${server.url}/dashboard/signing-keys`);
      expect(await kidIn(page, 'current')).to.equal(before);
    } finally {
      await new Promise((resolve) => evil.server.close(resolve));
    }
  });

  it('renders an application named <script> as text; copy buttons work under the CSP', async () => {
    const name = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">';
    await signIn(page, server);
    await page.goto(`${server.url}/dashboard/applications/new-wsfed`);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Realm').fill('urn:example:xss');
    await page.getByLabel('Callback URL').fill('https://xss.example.com/signin');
    await page.getByRole('button', { name: 'Create application' }).click();
    expect(page.url()).to.equal(`${server.url}/dashboard/applications`);
    expect(await page.locator('.app-name').allTextContents()).to.include(name);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).to.equal(undefined);
    expect(await page.locator('.flash.ok').textContent()).to.include(name);
    const jwksField = page.getByLabel('JWKS URL');
    expect(await jwksField.inputValue()).to.equal(`${server.config.issuer}/.well-known/jwks.json`);
    expect(await page.locator('button.copy').count()).to.equal(4);
  });

  it('answers a non-administrator 403', async () => {
    await signIn(page, server, USER);
    const response = await page.goto(`${server.url}/dashboard/signing-keys`);
    expect(response!.status()).to.equal(403);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Administrators only');
  });
});

describe('dashboard rate limit in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: TestServer;

  before(async function () {
    browser = await chromiumOrSkip(this);
    server = await startTestServer({ env: { FEDMETA_ROTATION_RATE_BURST: '1', FEDMETA_ROTATION_RATE_PER_DAY: '1' } });
    await server.services.users.create({ ...ADMIN, admin: true }, SYSTEM);
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('shows the rotation rate limit as a readable message', async () => {
    const page = await browser.newPage();
    await signIn(page, server);
    for (const attempt of [1, 2]) {
      await page.getByRole('link', { name: 'Rotate Key' }).click();
      await page.getByRole('button', { name: 'Rotate', exact: true }).click();
      expect(page.url(), `attempt ${attempt}`).to.equal(`${server.url}/dashboard/signing-keys`);
    }
    const message = await page.locator('.flash.error').textContent();
    expect(message).to.include('Nothing was changed').and.include('at most 1 time in a row').and.match(/Try again in 1 day\.$/);
    expect(await page.locator('.rate').textContent()).to.include('rate limit is reached');
    await page.close();
  });
});

/** Another site (localhost, while the server is 127.0.0.1: a different site) with a form posting to us. */
async function startEvilSite(target: string): Promise<{ server: Server; url: string }> {
  const html = `<!doctype html><title>Prize</title><form method="post" action="${target}"><input type="hidden" name="csrf" value="guess"><button>Win a prize</button></form>`;
  const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://localhost:${(server.address() as AddressInfo).port}/` };
}
