// GET /api/v2/users with Auth0's q / page / per_page / include_totals, and PATCH /api/v2/users/:id
// (name, password, user_metadata, blocked), on the real server (SQLite, or PostgreSQL with
// FEDMETA_TEST_DATABASE=postgres): every query form against a known population, paging and totals,
// each PATCH field and its audit entry, and the 400s by code.
import { expect } from 'chai';
import { managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { expectJsonError } from '../helpers/errors.js';
import { Browser, readForm } from '../helpers/browser.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const PASSWORD = 'correct horse battery';

interface UserJson {
  user_id: string;
  email: string;
  name: string;
  blocked: boolean;
  user_metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}
interface Totals {
  users: UserJson[];
  start: number;
  limit: number;
  length: number;
  total: number;
}

const POPULATION = [
  ['ann@example.com', 'Ann Lee'],
  ['bob@example.com', 'Bob Smith'],
  ['carol@other.org', 'Carol Smith-Jones'],
  ['dave@example.com', 'Dave'],
  ['zoe@example.net', 'Zoë Ångström'],
  ['pct@example.com', 'Rate 100% e_1'],
  ['x1@example.com', 'Rate 100 ex1'],
] as const;

describe('Management API: users search and PATCH (Auth0 shapes)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: ManagementCall;
  const ids = new Map<string, string>();
  const emails = async (q: string) => {
    const response = await api(`/api/v2/users?${new URLSearchParams({ q, per_page: '100' })}`);
    expect(response.status, `${q}: ${response.status}`).to.equal(200);
    return ((await response.json()) as UserJson[]).map((user) => user.email).sort();
  };
  const userPath = (email: string) => `/api/v2/users/${encodeURIComponent(ids.get(email)!)}`;
  const patch = (email: string, json: unknown) => api(userPath(email), { method: 'PATCH', json });
  const lastAudit = async () => (await server.services.store.queryAudit({ limit: 1 }))[0]!;

  before(async () => {
    server = await startTestServer();
    api = await managementClient(server, 'read:users create:users update:users delete:users');
    for (const [email, name] of POPULATION) ids.set(email, (await server.services.users.create({ email, name, password: PASSWORD }, SYSTEM)).userId);
    await server.services.users.update(ids.get('dave@example.com')!, { blocked: true }, SYSTEM);
  });
  after(async () => server.destroy());

  it('q: free text, field:value, quoted phrases, prefix and suffix wildcards, email.domain, blocked, AND / OR / NOT, case and NFKC folding', async () => {
    const cases: [string, string[]][] = [
      ['ann', ['ann@example.com']],
      ['SMITH', ['bob@example.com', 'carol@other.org']],
      ['email:"BOB@example.com"', ['bob@example.com']],
      ['email:bob@example.com', ['bob@example.com']],
      ['email:car*', ['carol@other.org']],
      ['email:*@example.com', ['ann@example.com', 'bob@example.com', 'dave@example.com', 'pct@example.com', 'x1@example.com']],
      ['email.domain:other.org', ['carol@other.org']],
      ['name:"bob smith"', ['bob@example.com']],
      ['name:bob*', ['bob@example.com']],
      ['name:smith', ['bob@example.com', 'carol@other.org']],
      ['name:"ZOË ÅNGSTRÖM"', ['zoe@example.net']],
      ['ångström', ['zoe@example.net']],
      ['ＢＯＢ', ['bob@example.com']],
      [`user_id:"${ids.get('ann@example.com')}"`, ['ann@example.com']],
      ['blocked:true', ['dave@example.com']],
      ['smith AND NOT email.domain:other.org', ['bob@example.com']],
      ['ann OR dave', ['ann@example.com', 'dave@example.com']],
      ['(ann OR bob) blocked:false', ['ann@example.com', 'bob@example.com']],
      // LIKE's own wildcards in a value are literal characters.
      ['"100%"', ['pct@example.com']],
      ['"e_1"', ['pct@example.com']],
      ['nobody', []],
    ];
    for (const [q, expected] of cases) expect(await emails(q), q).to.deep.equal(expected);
    expect(await emails(''), 'an empty q is everyone').to.have.length(POPULATION.length);
  });

  it('paging: per_page and page walk the matches oldest first; include_totals answers {users, start, limit, length, total}', async () => {
    const q = 'email:*@example.com';
    const pages: Totals[] = [];
    for (const page of [0, 1, 2, 3]) {
      const response = await api(`/api/v2/users?${new URLSearchParams({ q, page: String(page), per_page: '2', include_totals: 'true' })}`);
      expect(response.status).to.equal(200);
      pages.push((await response.json()) as Totals);
    }
    expect(pages.map(({ start, limit, length, total }) => ({ start, limit, length, total }))).to.deep.equal([
      { start: 0, limit: 2, length: 2, total: 5 },
      { start: 2, limit: 2, length: 2, total: 5 },
      { start: 4, limit: 2, length: 1, total: 5 },
      { start: 6, limit: 2, length: 0, total: 5 },
    ]);
    const walked = pages.flatMap((page) => page.users.map((user) => user.email));
    expect([...walked].sort()).to.deep.equal(await emails(q));
    const created = pages.flatMap((page) => page.users.map((user) => user.created_at));
    expect(created, 'oldest first').to.deep.equal([...created].sort());
    const plain = (await (await api(`/api/v2/users?${new URLSearchParams({ q, per_page: '2', include_totals: 'false' })}`)).json()) as UserJson[];
    expect(plain, 'without include_totals: an array').to.be.an('array').with.length(2);
    expect(plain[0]).to.have.keys('user_id', 'email', 'name', 'admin', 'blocked', 'user_metadata', 'created_at', 'updated_at');
  });

  it('bad q, page, per_page and include_totals are 400s by code', async () => {
    await expectJsonError(await api('/api/v2/users?q=phone_number%3A1'), 400, 'invalid_query_string');
    await expectJsonError(await api('/api/v2/users?q=name%3Aj*n'), 400, 'invalid_query_string');
    await expectJsonError(await api(`/api/v2/users?q=${'a'.repeat(1001)}`), 400, 'invalid_query_string');
    await expectJsonError(await api('/api/v2/users?q=a&q=b'), 400, 'invalid_request');
    await expectJsonError(await api('/api/v2/users?per_page=101'), 400, 'invalid_request');
    await expectJsonError(await api('/api/v2/users?page=-1'), 400, 'invalid_request');
    await expectJsonError(await api('/api/v2/users?include_totals=yes'), 400, 'invalid_request');
  });

  it('PATCH name: changed, updated_at moves, audited as user_updated by the API client', async () => {
    const before = (await (await api(userPath('ann@example.com'))).json()) as UserJson;
    const response = await patch('ann@example.com', { name: 'Ann Lee-Park' });
    expect(response.status).to.equal(200);
    const after = (await response.json()) as UserJson;
    expect(after).to.deep.include({ name: 'Ann Lee-Park', email: 'ann@example.com', blocked: false });
    expect(Date.parse(after.updated_at)).to.be.at.least(Date.parse(before.updated_at));
    expect(await emails('name:"ann lee-park"')).to.deep.equal(['ann@example.com']);
    const audit = await lastAudit();
    expect(audit).to.deep.include({ event: 'user_updated', details: { user_id: ids.get('ann@example.com'), fields: ['name'] } });
    expect(audit.actor.type).to.equal('api_client');
  });

  it('PATCH password: the new one signs in, the old one no longer does; the audit entry holds no password', async () => {
    const newPassword = 'a brand new passphrase';
    expect((await patch('bob@example.com', { password: newPassword, connection: 'Username-Password-Authentication' })).status).to.equal(200);
    const audit = await lastAudit();
    expect(audit).to.deep.include({ event: 'user_password_changed', details: { user_id: ids.get('bob@example.com') } });
    expect(JSON.stringify(audit)).not.to.include(newPassword);
    const signIn = async (password: string) => {
      const browser = new Browser();
      const login = await browser.request(`${server.url}/login`);
      return (await browser.request(`${server.url}/login`, { form: { ...readForm(login.body, login.url).fields, username: 'bob@example.com', password } })).status;
    };
    expect(await signIn(PASSWORD)).to.equal(401);
    expect(await signIn(newPassword)).to.equal(303);
    await expectJsonError(await patch('bob@example.com', { password: 'short' }), 400, 'invalid_body');
  });

  it('PATCH user_metadata: merged at the root as Auth0 (null removes a field, {} clears); bounded', async () => {
    const metadata = async (json: unknown) => {
      const response = await patch('carol@other.org', { user_metadata: json });
      expect(response.status).to.equal(200);
      return ((await response.json()) as UserJson).user_metadata;
    };
    expect(await metadata({ hobby: 'surfing', address: { home: 'A', work: 'B' } })).to.deep.equal({ hobby: 'surfing', address: { home: 'A', work: 'B' } });
    expect(await metadata({ address: { home: 'C' }, seats: 3 })).to.deep.equal({ hobby: 'surfing', address: { home: 'C' }, seats: 3 });
    expect(await metadata({ hobby: null })).to.deep.equal({ address: { home: 'C' }, seats: 3 });
    const stored = (await (await api(userPath('carol@other.org'))).json()) as UserJson;
    expect(stored.user_metadata, 'as stored').to.deep.equal({ address: { home: 'C' }, seats: 3 });
    expect(await metadata({})).to.deep.equal({});
    expect((await lastAudit()).details).to.deep.equal({ user_id: ids.get('carol@other.org'), fields: ['user_metadata'] });
    await expectJsonError(await patch('carol@other.org', { user_metadata: { a: { b: { c: { d: { e: { f: 1 } } } } } } }), 400, 'invalid_body');
    await expectJsonError(await patch('carol@other.org', { user_metadata: { big: 'x'.repeat(5000) } }), 400, 'invalid_body');
    await expectJsonError(await patch('carol@other.org', { user_metadata: 'text' }), 400, 'invalid_body');
  });

  it('concurrent user_metadata PATCHes lose nothing: every field of every 200 is kept (a 409 conflict is the only other answer)', async () => {
    await patch('pct@example.com', { user_metadata: {} });
    const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => patch('pct@example.com', { user_metadata: { [`k${i}`]: i } })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 200 || status === 409), String(statuses)).to.equal(true);
    const kept = responses.flatMap((response, i) => (response.status === 200 ? [`k${i}`] : []));
    expect(kept.length, 'most succeed').to.be.greaterThan(0);
    const stored = (await (await api(userPath('pct@example.com'))).json()) as UserJson;
    expect(Object.keys(stored.user_metadata).sort()).to.deep.equal(kept.sort());
  });

  it('PATCH blocked: true then false, each audited; the user view and q follow', async () => {
    const blocked = (await (await patch('x1@example.com', { blocked: true })).json()) as UserJson;
    expect(blocked.blocked).to.equal(true);
    expect((await lastAudit()).event).to.equal('user_blocked');
    expect(await emails('blocked:true')).to.deep.equal(['dave@example.com', 'x1@example.com']);
    expect(((await (await patch('x1@example.com', { blocked: false })).json()) as UserJson).blocked).to.equal(false);
    expect((await lastAudit()).event).to.equal('user_unblocked');
    await expectJsonError(await patch('x1@example.com', { blocked: 'yes' }), 400, 'invalid_body');
  });

  it('PATCH refusals: empty body, unknown or read-only fields, admin, empty name, unknown user; scopes enforced', async () => {
    await expectJsonError(await patch('ann@example.com', {}), 400, 'invalid_body');
    await expectJsonError(await patch('ann@example.com', { email: 'other@example.com' }), 400, 'invalid_body');
    await expectJsonError(await patch('ann@example.com', { admin: true }), 400, 'admin_not_allowed');
    await expectJsonError(await patch('ann@example.com', { name: '   ' }), 400, 'invalid_body');
    await expectJsonError(await patch('ann@example.com', { name: 'a\u0007b' }), 400, 'invalid_body');
    await expectJsonError(await api('/api/v2/users/fedmeta%7Cnobody', { method: 'PATCH', json: { name: 'x' } }), 404, 'not_found');
    const reader = await managementClient(server, 'read:users');
    await expectJsonError(await reader(userPath('ann@example.com'), { method: 'PATCH', json: { blocked: true } }), 403, 'insufficient_scope');
    const writer = await managementClient(server, 'update:users');
    await expectJsonError(await writer('/api/v2/users'), 403, 'insufficient_scope');
    expect(((await (await api(userPath('ann@example.com'))).json()) as UserJson).blocked).to.equal(false);
  });
});
