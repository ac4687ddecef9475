// Manage > Users in a real browser (Debian's Chromium): search with Auth0's q, totals and paging,
// Block / Unblock / Remove each behind its confirmation page (CSRF-checked POST), the blocked user's
// own browser signed out at once and refused at /login, and no way to block or remove oneself.
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN, chromiumOrSkip, signIn, watchPage } from './chromium.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const PASSWORD = 'correct horse battery';
const BOB = { email: 'bob@example.com', password: PASSWORD };

describe('dashboard Users page in Chromium: search, block, unblock, remove', function () {
  this.timeout(90_000);
  let browser: Browser;
  let server: TestServer;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async function () {
    browser = await chromiumOrSkip(this);
    server = await startTestServer();
    await server.services.users.create({ ...ADMIN, admin: true }, SYSTEM);
    await server.services.users.create({ ...BOB, name: 'Bob Smith' }, SYSTEM);
    await server.services.users.create({ email: 'carol@other.org', name: 'Carol Smith', password: PASSWORD }, SYSTEM);
    for (let i = 0; i < 52; i += 1) await server.services.users.create({ email: `bulk-${i}@bulk.test`, password: PASSWORD }, SYSTEM);
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });
  beforeEach(async () => {
    context = await browser.newContext();
    page = await context.newPage();
    problems = watchPage(page);
    await signIn(page, server);
  });
  afterEach(async () => {
    await context.close();
    expect(problems, 'CSP violations or dialogs').to.deep.equal([]);
  });

  const search = async (q: string) => {
    await page.goto(`${server.url}/dashboard/users`);
    await page.getByLabel('Search').fill(q);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForLoadState();
  };
  const emails = () => page.locator('table.users tbody tr td:first-child > div:first-child').allTextContents();
  const row = (email: string) => page.locator('table.users tbody tr', { hasText: email });

  it('searches with Auth0 syntax, shows how many match, pages 50 at a time, and explains a query it cannot read', async () => {
    await search('smith AND NOT email.domain:other.org');
    expect((await emails()).map((text) => text.trim())).to.deep.equal(['bob@example.com']);
    expect(await page.getByText('1 user match').count()).to.equal(1);
    expect(await page.getByLabel('Search').inputValue()).to.equal('smith AND NOT email.domain:other.org');

    await search('email.domain:bulk.test');
    expect(await emails()).to.have.length(50);
    expect(await page.getByText('52 users').count()).to.equal(1);
    await page.getByRole('link', { name: 'Next →' }).click();
    expect(new URL(page.url()).searchParams.get('q'), 'the search follows the pager').to.equal('email.domain:bulk.test');
    expect(await emails()).to.have.length(2);
    expect(await page.getByRole('link', { name: 'Next →' }).count()).to.equal(0);

    await search('name:j*n');
    expect(await page.locator('.flash.error').textContent()).to.include('wildcard');
  });

  it("Block (confirmed): the user's own browser is signed out at once and /login refuses them; Unblock lets them back", async () => {
    const bobContext = await browser.newContext();
    try {
      const bob = await bobContext.newPage();
      await signIn(bob, server, BOB);
      expect(await bob.locator('main').textContent()).to.include('You are signed in as');

      await search('bob');
      await row('bob@example.com').getByRole('link', { name: 'Block' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Block bob@example.com?');
      expect(await page.locator('.consequences').textContent()).to.include('Every session they have ends at once');
      await page.getByRole('button', { name: 'Block' }).click();
      expect(await page.locator('.flash.ok').textContent()).to.include('bob@example.com is blocked');
      await search('blocked:true');
      expect((await emails()).map((text) => text.trim())).to.deep.equal(['bob@example.com']);
      expect(await row('bob@example.com').locator('.badge.blocked').textContent()).to.equal('Blocked');

      await bob.goto(`${server.url}/login`);
      expect(await bob.getByLabel('Password').count(), 'signed out: the form again').to.equal(1);
      await signIn(bob, server, BOB);
      expect(await bob.getByRole('alert').textContent()).to.include('This account is blocked');

      await row('bob@example.com').getByRole('link', { name: 'Unblock' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Unblock bob@example.com?');
      await page.getByRole('button', { name: 'Unblock' }).click();
      expect(await page.locator('.flash.ok').textContent()).to.include('unblocked');
      await signIn(bob, server, BOB);
      expect(await bob.locator('main').textContent()).to.include('You are signed in as');
    } finally {
      await bobContext.close();
    }
  });

  it('Remove (confirmed, Cancel first); no Block or Remove on your own row, and asking for them directly is refused (409)', async () => {
    await search('carol');
    await row('carol@other.org').getByRole('link', { name: 'Remove', exact: true }).click();
    await page.getByRole('link', { name: 'Cancel' }).click();
    expect(await row('carol@other.org').count(), 'Cancel removes nothing').to.equal(1);
    await search('carol');
    await row('carol@other.org').getByRole('link', { name: 'Remove', exact: true }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal('Remove carol@other.org?');
    await page.getByRole('button', { name: 'Remove', exact: true }).click();
    expect(await page.locator('.flash.ok').textContent()).to.include('carol@other.org was removed');
    expect(await row('carol@other.org').count()).to.equal(0);
    expect(await server.services.store.findUserByEmail('carol@other.org')).to.equal(undefined);

    await search(`email:"${ADMIN.email}"`);
    const own = row(ADMIN.email);
    expect(await own.getByRole('link').allTextContents()).to.deep.equal([]);
    const me = await server.services.users.findByEmail(ADMIN.email);
    for (const action of ['block', 'remove']) {
      const response = await page.goto(`${server.url}/dashboard/users/${encodeURIComponent(me.userId)}/${action}`);
      expect(response?.status(), action).to.equal(409);
      expect(await page.locator('main').textContent()).to.include('cannot_change_own_account');
    }
  });

  it('a POST without the page’s CSRF token is refused and changes nothing', async () => {
    const target = await server.services.users.findByEmail('bulk-0@bulk.test');
    const response = await page.request.post(`${server.url}/dashboard/users/${encodeURIComponent(target.userId)}/block`, { form: { csrf: 'forged' } });
    expect(response.status()).to.equal(403);
    expect((await server.services.users.get(target.userId)).blocked).to.equal(false);
  });
});
