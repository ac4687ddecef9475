// The dashboard's Logs page in Chromium: event names (never Auth0's codes), the GET filter form (event,
// date range, user by email, client), paging by log_id with from/take, a refused filter explained, and
// the page's CSP in force.
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { ADMIN, chromiumOrSkip, signIn, watchPage } from './chromium.js';
import { AUDIT_EVENTS, AUDIT_EVENT_TYPES } from '../../src/audit/event-types.js';
import type { Actor } from '../../src/audit/types.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const day = (n: number, hours = 0) => new Date(Date.UTC(2026, 10, n, hours));

const rows = (page: Page) =>
  page.locator('table.logs tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ id: tr.getAttribute('data-log-id')!, event: tr.getAttribute('data-event')!, label: tr.querySelector('.badge')!.textContent!.trim(), text: tr.textContent! })),
  );

describe('dashboard Logs page in Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: TestServer;
  let page: Page;
  let problems: string[];
  let adminId: string;

  before(async function () {
    browser = await chromiumOrSkip(this);
    server = await startTestServer();
    adminId = (await server.services.users.create({ ...ADMIN, admin: true }, SYSTEM)).userId;
    const admin: Actor = { type: 'user', id: adminId, ip: '10.0.0.1' };
    const { store } = server.services;
    for (let n = 1; n <= 5; n += 1) {
      await store.appendAudit({ event: 'key_rotated', description: `Rotated ${n}`, actor: admin, details: {} }, day(n, 9));
      await store.appendAudit({ event: 'client_updated', description: `Updated app ${n}`, actor: admin, details: { client_id: 'app_1' } }, day(n, 10));
      await store.appendAudit({ event: 'login_unknown_user', description: 'Failed sign-in', actor: { type: 'user', id: `guess${n}@example.com` } }, day(n, 11));
    }
    const context = await browser.newContext();
    page = await context.newPage();
    problems = watchPage(page);
    await signIn(page, server);
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });
  afterEach(() => expect(problems, 'CSP violations or dialogs').to.deep.equal([]));

  it('shows event names from the closed list, never Auth0 codes, and the actor by email', async () => {
    await page.goto(`${server.url}/dashboard/logs`);
    const shown = await rows(page);
    expect(shown.length).to.be.greaterThan(10);
    for (const row of shown) expect(row.label, row.event).to.equal(AUDIT_EVENTS[row.event as keyof typeof AUDIT_EVENTS].name);
    const codes = new Set(AUDIT_EVENT_TYPES.map((event) => AUDIT_EVENTS[event].code));
    expect(shown.filter((row) => codes.has(row.label))).to.deep.equal([]);
    expect(shown.find((row) => row.event === 'key_rotated')!.text).to.include(ADMIN.email);
    expect(shown.find((row) => row.event === 'login_unknown_user')!.text).to.include('guess5@example.com');
  });

  it('filters with a GET form: event, date range, user by email, client', async () => {
    await page.goto(`${server.url}/dashboard/logs`);
    await page.getByRole('combobox', { name: 'Event' }).selectOption({ label: 'Key rotated' });
    await page.getByLabel('From (UTC)').fill('2026-11-02');
    await page.getByLabel('To (UTC)').fill('2026-11-03');
    await page.getByRole('textbox', { name: 'User' }).fill(ADMIN.email);
    await Promise.all([page.waitForURL(/event=key_rotated/), page.getByRole('button', { name: 'Filter' }).click()]);
    const url = new URL(page.url());
    expect(Object.fromEntries(url.searchParams)).to.deep.include({ event: 'key_rotated', since: '2026-11-02', until: '2026-11-03', user: ADMIN.email });
    expect((await rows(page)).map((row) => row.text.match(/Rotated \d/)?.[0])).to.deep.equal(['Rotated 3', 'Rotated 2']);
    expect(await page.getByRole('combobox', { name: 'Event' }).inputValue(), 'the form keeps its values').to.equal('key_rotated');

    await page.goto(`${server.url}/dashboard/logs?client=app_1`);
    const byClient = await rows(page);
    expect(byClient).to.have.length(5);
    expect(byClient.every((row) => row.event === 'client_updated')).to.equal(true);
  });

  it('pages by log_id with from/take: no entry twice, none left out, Older stops at the end', async () => {
    const all = (await (async () => {
      await page.goto(`${server.url}/dashboard/logs?take=100`);
      return rows(page);
    })()).map((row) => row.id);
    await page.goto(`${server.url}/dashboard/logs?take=4`);
    const seen: string[] = [];
    for (let round = 0; round < 50; round += 1) {
      seen.push(...(await rows(page)).map((row) => row.id));
      const older = page.getByRole('link', { name: 'Older →' });
      if ((await older.count()) === 0) break;
      await Promise.all([page.waitForURL(/from=\d+/), older.click()]);
      expect(new URL(page.url()).searchParams.get('take')).to.equal('4');
    }
    expect(seen).to.deep.equal(all);
    expect(await page.getByRole('link', { name: '← Newest' }).count()).to.equal(1);
  });

  it('explains a filter it cannot use (400) instead of showing everything', async () => {
    const response = await page.goto(`${server.url}/dashboard/logs?since=yesterday`);
    expect(response!.status()).to.equal(400);
    expect(await page.getByRole('alert').textContent()).to.include('not a date');
    expect(await rows(page)).to.deep.equal([]);
  });
});
