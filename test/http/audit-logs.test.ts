// GET /api/v2/logs and /api/v2/logs/:id against the real server, on the backend under test (run it
// with FEDMETA_TEST_DATABASE=postgres for PostgreSQL): every q form checked against the same filter
// applied in the test to the whole log, Auth0's include_totals and checkpoint shapes, checkpoint
// pagination while events keep arriving, the 400s and 404s, and the retention purge.
import { expect } from 'chai';
import { addApiClient, getToken, startTestServer, startWithToken, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { expectJsonError } from '../helpers/errors.js';
import type { AuditEntry, Actor } from '../../src/audit/types.js';
import type { AuditEventType } from '../../src/audit/event-types.js';

type Call = (path: string) => Promise<Response>;
const DAY = 86_400_000;
const day = (n: number, hours = 0) => new Date(Date.UTC(2026, 10, n, hours));

async function json<T>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).to.equal(200);
  return (await response.json()) as T;
}

/** The whole log through the API, newest first (search pages stop at 1,000). */
async function wholeLog(api: Call): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for (let page = 0; page < 10; page += 1) {
    const logs = await json<AuditEntry[]>(await api(`/api/v2/logs?per_page=100&page=${page}`));
    all.push(...logs);
    if (logs.length < 100) break;
  }
  return all;
}

describe('audit log queries (GET /api/v2/logs, /api/v2/logs/:id)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let api: Call;
  let credentials: ApiCredentials;
  const admin: Actor = { type: 'user', id: 'usr_admin', ip: '10.0.0.1' };
  const appId = 'app_0123456789';

  before(async () => {
    ({ server, api, credentials } = await startWithToken());
    const { store } = server.services;
    const plant = (event: AuditEventType, actor: Actor, at: Date, details: Record<string, unknown> = {}) =>
      store.appendAudit({ event, description: `${event} at ${at.toISOString()}`, actor, details }, at);
    for (let n = 1; n <= 4; n += 1) {
      await plant('key_rotated', admin, day(n, 9), { current: `kid-${n}` });
      await plant('client_updated', admin, day(n, 10), { client_id: appId });
      await plant('sso_succeeded', { type: 'user', id: `usr_${n}`, ip: '10.0.0.2' }, day(n, 11), { client_id: appId });
      await plant('login_unknown_user', { type: 'user', id: `guess${n}@example.com`, ip: '10.0.0.3' }, day(n, 12));
      await plant('login_failed', { type: 'user', id: 'ann@example.com', ip: '10.0.0.3' }, day(n, 13), { user_id: 'usr_ann' });
      await plant('client_created', { type: 'api_client', id: credentials.client_id }, day(n, 14), { client_id: `app_${n}` });
    }
    await plant('key_revoked', { type: 'cli', id: 'ops' }, day(2, 23), { kid: 'kid-1' });
  });
  after(async () => server?.destroy());

  it('every q form answers exactly the entries its filter names, by date newest first', async () => {
    const all = await wholeLog(api);
    const at = (entry: AuditEntry) => Date.parse(entry.date);
    const byDate = [...all].sort((a, b) => at(b) - at(a) || Number(b.log_id) - Number(a.log_id));
    expect(all.map((entry) => entry.log_id), 'by date, then log_id, newest first (the planted entries are older than their ids say)').to.deep.equal(byDate.map((entry) => entry.log_id));
    const cases: [string, (entry: AuditEntry) => boolean][] = [
      ['type:sapi', (e) => e.type === 'sapi'],
      ['type:key_rotated', (e) => e.event === 'key_rotated'],
      ['type:(fp OR fu)', (e) => e.type === 'fp' || e.type === 'fu'],
      ['type:seccft', (e) => e.type === 'seccft'],
      ['date:2026-11-02', (e) => at(e) >= day(2).getTime() && at(e) < day(3).getTime()],
      ['date:[2026-11-02 TO 2026-11-03]', (e) => at(e) >= day(2).getTime() && at(e) < day(4).getTime()],
      ['date:[2026-11-02T12:00:00Z TO *]', (e) => at(e) >= day(2, 12).getTime()],
      ['date:[* TO 2026-11-01T11:00:00Z]', (e) => at(e) <= day(1, 11).getTime()],
      ['user_id:usr_admin', (e) => e.user_id === 'usr_admin'],
      ['user_id:"usr_ann"', (e) => e.user_id === 'usr_ann'],
      [`client_id:${appId}`, (e) => e.client_id === appId],
      [`client_id:"${credentials.client_id}"`, (e) => e.client_id === credentials.client_id],
      [`type:sapi AND date:[2026-11-02 TO 2026-11-03] AND user_id:usr_admin`, (e) => e.type === 'sapi' && e.user_id === 'usr_admin' && at(e) >= day(2).getTime() && at(e) < day(4).getTime()],
      [`client_id:${appId} type:s`, (e) => e.client_id === appId && e.type === 's'],
    ];
    for (const [q, keep] of cases) {
      const expected = all.filter(keep).map((entry) => entry.log_id);
      expect(expected.length, `${q}: the planted log has such entries`).to.be.greaterThan(0);
      const logs = await json<AuditEntry[]>(await api(`/api/v2/logs?per_page=100&q=${encodeURIComponent(q)}`));
      expect(logs.map((entry) => entry.log_id), q).to.deep.equal(expected);
    }
    const failed = all.find((entry) => entry.type === 'fp')!;
    expect(failed).to.deep.include({ event: 'login_failed', user_name: 'ann@example.com', user_id: 'usr_ann', ip: '10.0.0.3' });
    const token = all.find((entry) => entry.type === 'seccft')!;
    expect(token).to.deep.include({ event: 'token_issued', client_id: credentials.client_id });
  });

  it("include_totals, page/per_page and sort answer Auth0's shapes", async () => {
    const all = await wholeLog(api);
    const page = await json<{ logs: AuditEntry[]; start: number; limit: number; length: number; total: number }>(await api('/api/v2/logs?include_totals=true&per_page=3&page=2'));
    expect(page).to.deep.equal({ logs: all.slice(6, 9), start: 6, limit: 3, length: 3, total: all.length });
    const filtered = await json<{ total: number; length: number }>(await api(`/api/v2/logs?include_totals=true&q=${encodeURIComponent('type:sapi')}`));
    expect(filtered.total).to.equal(all.filter((entry) => entry.type === 'sapi').length);
    const oldest = await json<AuditEntry[]>(await api('/api/v2/logs?sort=date:1&per_page=5'));
    expect(oldest).to.deep.equal(all.slice(-5).reverse());
    expect(await json<AuditEntry[]>(await api('/api/v2/logs?include_totals=false&per_page=2'))).to.deep.equal(all.slice(0, 2));
  });

  it('checkpoint pagination (from/take): every newer entry once, in log_id order, while new events arrive', async () => {
    const start = String((await wholeLog(api)).map((entry) => Number(entry.log_id)).sort((a, b) => a - b).at(-25));
    const { store } = server.services;
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 40; i += 1) await store.appendAudit({ event: 'user_created', description: `new ${i}`, actor: admin, details: {} }, new Date());
      writing = false;
    })();
    const seen: string[] = [];
    let next = `/api/v2/logs?from=${start}&take=7&q=${encodeURIComponent('type:nothing')}`;
    for (let round = 0; round < 200; round += 1) {
      const response = await api(next);
      const logs = await json<AuditEntry[]>(response);
      seen.push(...logs.map((entry) => entry.log_id));
      const link = response.headers.get('link') ?? '';
      expect(link).to.match(/^<http[^>]+\/api\/v2\/logs\?from=\d+&take=7>; rel="next"$/);
      next = new URL(link.slice(1, link.indexOf('>'))).pathname + new URL(link.slice(1, link.indexOf('>'))).search;
      if (logs.length === 0 && !writing) break;
      if (logs.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await writer;
    const last = await json<AuditEntry[]>(await api(next));
    seen.push(...last.map((entry) => entry.log_id));
    const newer = (await wholeLog(api)).map((entry) => Number(entry.log_id)).filter((id) => id > Number(start)).sort((a, b) => a - b).map(String);
    expect(seen, 'q is ignored with from (as Auth0 does); no gap, no duplicate, in order').to.deep.equal(newer);
    expect(newer.length).to.be.greaterThan(40);
  });

  it('GET /api/v2/logs/:id answers the entry as the list shows it; 404 log_not_found when there is none', async () => {
    const [entry] = await json<AuditEntry[]>(await api('/api/v2/logs?per_page=1'));
    expect(await json<AuditEntry>(await api(`/api/v2/logs/${entry!.log_id}`))).to.deep.equal(entry);
    for (const id of ['999999999', 'abc', '1e3', '-1', '0x10', '9'.repeat(40)]) await expectJsonError(await api(`/api/v2/logs/${id}`), 404, 'log_not_found', id);
  });

  it('refuses what it does not support with a clear 400', async () => {
    const cases: [string, string][] = [
      ['q=description:x', 'invalid_query_string'],
      [`q=${encodeURIComponent('type:s OR type:f')}`, 'invalid_query_string'],
      [`q=${encodeURIComponent('date:[2026-11-01 TO soon]')}`, 'invalid_query_string'],
      ['q=a&q=b', 'invalid_request'],
      ['per_page=101', 'invalid_request'],
      ['per_page=100&page=10', 'invalid_request'],
      ['page=-1', 'invalid_request'],
      ['sort=date', 'invalid_request'],
      ['include_totals=yes', 'invalid_request'],
      ['fields=date', 'invalid_request'],
      ['from=abc', 'invalid_request'],
      ['from=1&take=101', 'invalid_request'],
    ];
    for (const [query, code] of cases) await expectJsonError(await api(`/api/v2/logs?${query}`), 400, code, query);
  });

  it('needs read:logs', async () => {
    const other = await getToken(server, await addApiClient(server, 'read:signing_keys'));
    for (const path of ['/api/v2/logs', '/api/v2/logs/1']) {
      await expectJsonError(await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${other}` } }), 403, 'insufficient_scope', path);
    }
  });
});

describe('audit log retention (FEDMETA_AUDIT_RETENTION)', function () {
  this.timeout(120_000);
  let server: TestServer;
  after(async () => server?.destroy());

  it('the periodic purge deletes entries older than the retention, key events included, in batches; newer ones stay', async () => {
    server = await startTestServer({ env: { FEDMETA_AUDIT_RETENTION: '30d' } });
    const { store, clock } = server.services;
    const now = clock.now().getTime();
    const old = (i: number) => new Date(now - 40 * DAY + i);
    const events: AuditEventType[] = ['key_rotated', 'key_revoked', 'login_succeeded', 'client_created'];
    for (let i = 0; i < 2100; i += 1) await store.appendAudit({ event: events[i % 4]!, description: `old ${i}`, actor: { type: 'system', id: 'test' } }, old(i));
    await store.appendAudit({ event: 'key_rotated', description: 'just inside', actor: { type: 'system', id: 'test' } }, new Date(now - 29 * DAY));
    const before = await store.countAudit({});
    await server.purge.runOnce();
    expect(await store.countAudit({ until: new Date(now - 30 * DAY) }), 'nothing older than 30 days').to.equal(0);
    expect(await store.countAudit({}), 'exactly the old ones went').to.equal(before - 2100);
    expect((await store.queryAudit({ filter: { events: ['key_rotated'] }, limit: 10 })).map((entry) => entry.description)).to.deep.equal(['just inside']);
    expect((await server.services.keys.list()).length, 'the keys themselves stay').to.be.greaterThan(1);
  });
});
