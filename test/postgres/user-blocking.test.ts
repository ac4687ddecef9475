// "Every instance": two fedmeta instances on one PostgreSQL store. A user signed in through one keeps
// SSO on both; blocking them through the other deletes every session row at once, so neither instance
// issues another assertion and both refuse the sign-in; unblocking through either lets them back.
import { expect } from 'chai';
import { addApiClient, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres, withAdmin } from '../helpers/postgres.js';
import { Browser, type Page } from '../helpers/browser.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const PASSWORD = 'correct horse battery';
const isAssertion = (page: Page) => page.status === 200 && page.body.includes('name="SAMLResponse"');
const isLoginForm = (page: Page) => page.body.includes('name="password"') && !page.body.includes('name="SAMLResponse"');

describe('PostgreSQL: blocking a user ends their sessions on every instance', function () {
  this.timeout(60_000);
  let schema: string;
  const instances: TestServer[] = [];

  before(async function () {
    await requirePostgres(this);
    schema = freshSchema();
  });
  after(async () => {
    for (const server of instances.reverse()) await server.destroy();
    if (schema) await dropSchema(schema);
  });

  async function start(): Promise<{ server: TestServer; patch: (userId: string, json: unknown) => Promise<Response> }> {
    const server = await startTestServer({ env: { FEDMETA_DATABASE_URL: postgresUrl(schema), FEDMETA_ISSUER: 'http://fedmeta.lb.test' } });
    instances.push(server);
    const token = await getToken(server, await addApiClient(server, 'read:users update:users'));
    const patch = (userId: string, json: unknown) =>
      fetch(`${server.url}/api/v2/users/${encodeURIComponent(userId)}`, { method: 'PATCH', body: JSON.stringify(json), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
    return { server, patch };
  }
  const sessionRows = (userId: string) =>
    withAdmin(async (client) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.sessions WHERE user_id = $1`, [userId])).rows[0]!.n));

  it('signed in at B (SSO at A too); blocked through A: no assertion and no sign-in on either; unblocked through B: back in', async () => {
    const a = await start();
    const { clientId } = await a.server.services.clients.create({ name: 'SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:sp:two' } } }, SYSTEM);
    const { userId } = await a.server.services.users.create({ email: 'ann@example.com', password: PASSWORD }, SYSTEM);
    const b = await start();
    const sso = (browser: Browser, server: TestServer) => browser.follow(`${server.url}/samlp/${clientId}`);

    const ann = new Browser();
    expect(isAssertion(await ann.submit(await sso(ann, b.server), { username: 'ann@example.com', password: PASSWORD })), 'signed in at B').to.equal(true);
    expect(isAssertion(await sso(ann, a.server)), 'the session works at A').to.equal(true);
    const second = new Browser();
    expect(isAssertion(await second.submit(await sso(second, a.server), { username: 'ann@example.com', password: PASSWORD })), 'a second session, at A').to.equal(true);
    expect(await sessionRows(userId)).to.equal(2);

    expect((await a.patch(userId, { blocked: true })).status).to.equal(200);
    expect(await sessionRows(userId), 'every session row is gone').to.equal(0);
    for (const [browser, server] of [[ann, b.server], [ann, a.server], [second, b.server]] as const) {
      expect(isLoginForm(await sso(browser, server)), `no assertion at ${server.url}`).to.equal(true);
    }
    for (const server of [a.server, b.server]) {
      const refused = await ann.submit(await sso(ann, server), { username: 'ann@example.com', password: PASSWORD });
      expect(refused.status, server.url).to.equal(403);
      expect(refused.body).to.include('This account is blocked');
    }

    expect((await b.patch(userId, { blocked: false })).status).to.equal(200);
    expect(isAssertion(await ann.submit(await sso(ann, a.server), { username: 'ann@example.com', password: PASSWORD })), 'back in at A').to.equal(true);
  });
});
