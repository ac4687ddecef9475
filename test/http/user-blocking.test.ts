// Blocking a user ends their sessions at once and refuses their sign-in; unblocking allows it again;
// a new password and removal end sessions too. Checked the way a user meets it: an active SAML
// session that asked for assertions without a password no longer gets one, and /login says why
// (only to someone who knows the password). SQLite, or PostgreSQL with FEDMETA_TEST_DATABASE=postgres.
import { expect } from 'chai';
import { managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser, readForm, type Page } from '../helpers/browser.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const PASSWORD = 'correct horse battery';
const ACS = 'https://sp-block.example.com/acs';

const isAssertion = (page: Page) => page.status === 200 && page.body.includes('name="SAMLResponse"');
const isLoginForm = (page: Page) => page.body.includes('name="password"') && !page.body.includes('name="SAMLResponse"');

describe('blocked users: sessions end, sign-in refused (API PATCH blocked, DELETE, new password)', function () {
  this.timeout(60_000);
  let server: TestServer;
  let api: ManagementCall;
  let clientId: string;
  let counter = 0;

  before(async () => {
    server = await startTestServer();
    api = await managementClient(server, 'read:users update:users delete:users');
    clientId = (await server.services.clients.create({ name: 'SP', callbacks: [ACS], addons: { samlp: { audience: 'urn:sp:block' } } }, SYSTEM)).clientId;
  });
  after(async () => server.destroy());

  /** A new user signed in through an IdP-initiated SAML sign-in: the browser holds their session. */
  async function signedInUser(): Promise<{ userId: string; email: string; browser: Browser; sso: () => Promise<Page> }> {
    const email = `user-${++counter}@example.com`;
    const { userId } = await server.services.users.create({ email, password: PASSWORD }, SYSTEM);
    const browser = new Browser();
    const sso = () => browser.follow(`${server.url}/samlp/${clientId}`);
    const login = await sso();
    expect(isLoginForm(login), 'asks for the password first').to.equal(true);
    expect(isAssertion(await browser.submit(login, { username: email, password: PASSWORD }))).to.equal(true);
    expect(isAssertion(await sso()), 'the session answers without a password').to.equal(true);
    return { userId, email, browser, sso };
  }
  const userPath = (userId: string) => `/api/v2/users/${encodeURIComponent(userId)}`;
  const sessionsOf = async (userId: string) => {
    const audit = await server.services.store.queryAudit({ limit: 100 });
    return audit.filter((entry) => entry.details.user_id === userId || entry.actor.id === userId);
  };

  it('blocked: the active session gets no new assertion; the right password is refused with a clear message and audited; the wrong one learns nothing', async () => {
    const { userId, email, browser, sso } = await signedInUser();
    expect((await api(userPath(userId), { method: 'PATCH', json: { blocked: true } })).status).to.equal(200);

    const after = await sso();
    expect(isLoginForm(after), 'sent to the login form instead of an assertion').to.equal(true);
    const refused = await browser.submit(after, { username: email, password: PASSWORD });
    expect(refused.status).to.equal(403);
    expect(refused.body).to.include('This account is blocked');
    expect(refused.body).not.to.include('SAMLResponse');
    const wrong = await browser.submit(await sso(), { username: email, password: 'not the password' });
    expect(wrong.status).to.equal(401);
    expect(wrong.body).to.include('Wrong email or password').and.not.include('blocked');

    const entries = await sessionsOf(userId);
    expect(entries.map((entry) => entry.event)).to.include('user_blocked');
    expect(entries.find((entry) => entry.type === 'f' && entry.details.reason === 'blocked'), 'the refused sign-in is audited').to.not.equal(undefined);
  });

  it('unblocked: the same password signs in again and assertions follow', async () => {
    const { userId, email, sso } = await signedInUser();
    await api(userPath(userId), { method: 'PATCH', json: { blocked: true } });
    expect((await api(userPath(userId), { method: 'PATCH', json: { blocked: false } })).status).to.equal(200);
    const login = await sso();
    expect(isLoginForm(login), 'the old session stays ended').to.equal(true);
    const browser = new Browser();
    const again = await browser.follow(`${server.url}/samlp/${clientId}`);
    const signedIn = await browser.submit(again, { username: email, password: PASSWORD });
    expect(isAssertion(signedIn), signedIn.body.slice(0, 300)).to.equal(true);
    const response = Buffer.from(readForm(signedIn.body, signedIn.url).fields.SAMLResponse!, 'base64').toString('utf8');
    expect(response).to.include(email).and.include('urn:oasis:names:tc:SAML:2.0:status:Success');
  });

  it('a new password ends the sessions too; DELETE ends them and the user is gone', async () => {
    const changed = await signedInUser();
    expect((await api(userPath(changed.userId), { method: 'PATCH', json: { password: 'another long passphrase' } })).status).to.equal(200);
    expect(isLoginForm(await changed.sso())).to.equal(true);

    const removed = await signedInUser();
    expect((await api(userPath(removed.userId), { method: 'DELETE' })).status).to.equal(204);
    expect(isLoginForm(await removed.sso())).to.equal(true);
    expect((await api(userPath(removed.userId))).status).to.equal(404);
  });

  it('blocking one user leaves the sessions of others alone', async () => {
    const blocked = await signedInUser();
    const other = await signedInUser();
    await api(userPath(blocked.userId), { method: 'PATCH', json: { blocked: true } });
    expect(isLoginForm(await blocked.sso())).to.equal(true);
    expect(isAssertion(await other.sso())).to.equal(true);
  });
});
