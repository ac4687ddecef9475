// fedmeta users list|show|set-password|block|unblock|remove, run as a separate process (dist/: run
// `npm run build` first) on the running server's store: each change is the running server's at once
// (sessions end, sign-in refused), audited with the CLI as actor; usage errors exit 2, refusals 1.
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm } from '../helpers/browser.js';

const SYSTEM = { type: 'system', id: 'test' } as const;
const PASSWORD = 'correct horse battery';

describe('CLI: fedmeta users list, show, set-password, block, unblock, remove', function () {
  this.timeout(60_000);
  let server: TestServer;
  const cli = (args: string[], stdin = '') => runCli(args, server.env, stdin);
  const lastAudit = async () => (await server.services.store.queryAudit({ limit: 1 }))[0]!;
  /** Signs in at /login; the status of the answer (303 signed in, 401 wrong password, 403 blocked). */
  const signIn = async (email: string, password: string, browser = new Browser()) => {
    const login = await browser.request(`${server.url}/login`);
    return (await browser.request(`${server.url}/login`, { form: { ...readForm(login.body, login.url).fields, username: email, password } })).status;
  };
  const signedIn = async (browser: Browser) => (await browser.request(`${server.url}/login`)).body.includes('You are signed in as');

  before(async () => {
    server = await startTestServer();
    for (const [email, name] of [['ann@example.com', 'Ann Lee'], ['bob@example.com', 'Bob Smith'], ['carol@other.org', 'Carol Smith']]) {
      await server.services.users.create({ email, name, password: PASSWORD, user_metadata: { team: 'ops' } }, SYSTEM);
    }
  });
  after(async () => server.destroy());

  it('list: a table with totals, --q searches (Auth0 syntax), --json is Auth0 include_totals shape, paging', async () => {
    const all = await cli(['users', 'list']);
    expect(all.code, all.stderr).to.equal(0);
    const lines = all.stdout.toString().trim().split('\n');
    expect(lines[0]).to.match(/^USER ID\s+EMAIL\s+NAME\s+ROLE\s+CREATED$/);
    expect(lines).to.have.length(5);
    expect(lines[4]).to.equal('1-3 of 3');
    const smith = await cli(['users', 'list', '--q', 'smith AND NOT email.domain:other.org', '--json']);
    expect(smith.code, smith.stderr).to.equal(0);
    const json = JSON.parse(smith.stdout.toString()) as { users: { email: string }[]; start: number; limit: number; length: number; total: number };
    expect(json).to.deep.include({ start: 0, limit: 50, length: 1, total: 1 });
    expect(json.users.map((user) => user.email)).to.deep.equal(['bob@example.com']);
    const second = JSON.parse((await cli(['users', 'list', '--per-page', '2', '--page', '1', '--json'])).stdout.toString()) as { length: number; start: number; total: number };
    expect(second).to.deep.include({ start: 2, length: 1, total: 3 });
    const bad = await cli(['users', 'list', '--q', 'phone_number:1']);
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.match(/^fedmeta: Unknown search field "phone_number"/);
    expect((await cli(['users', 'list', '--per-page', '500'])).code).to.equal(2);
  });

  it('show: by e-mail (any case) or user_id, as text or JSON, never the password hash', async () => {
    const byEmail = await cli(['users', 'show', 'ANN@example.com', '--json']);
    expect(byEmail.code, byEmail.stderr).to.equal(0);
    const ann = JSON.parse(byEmail.stdout.toString()) as Record<string, unknown>;
    expect(ann).to.deep.include({ email: 'ann@example.com', name: 'Ann Lee', blocked: false, user_metadata: { team: 'ops' } });
    expect(byEmail.stdout.toString()).not.to.match(/scrypt|password/);
    const byId = await cli(['users', 'show', String(ann.user_id)]);
    expect(byId.code, byId.stderr).to.equal(0);
    expect(byId.stdout.toString()).to.match(/^email:\s+ann@example\.com$/m).and.match(/^user_metadata:\s+\{"team":"ops"\}$/m);
    const missing = await cli(['users', 'show', 'nobody@example.com']);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.match(/No user with email/);
    expect((await cli(['users', 'show'])).code).to.equal(2);
  });

  it('set-password: from stdin (one trailing newline dropped), policy enforced, sessions end, audited without the password', async () => {
    const browser = new Browser();
    expect(await signIn('bob@example.com', PASSWORD, browser)).to.equal(303);
    const changed = await cli(['users', 'set-password', 'bob@example.com'], 'a new long passphrase\n');
    expect(changed.code, changed.stderr).to.equal(0);
    expect(await signedIn(browser), 'the session ended').to.equal(false);
    expect(await signIn('bob@example.com', PASSWORD)).to.equal(401);
    expect(await signIn('bob@example.com', 'a new long passphrase')).to.equal(303);
    const entry = (await server.services.store.queryAudit({ limit: 10 })).find((audit) => audit.event === 'user_password_changed')!;
    expect(entry, 'audited').to.not.equal(undefined);
    expect(entry.actor.type).to.equal('cli');
    expect(JSON.stringify(entry)).not.to.include('a new long passphrase');
    const short = await cli(['users', 'set-password', 'bob@example.com'], 'short\n');
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/password must be 8 to 1024 characters/);
    expect((await cli(['users', 'set-password', 'bob@example.com'], '')).code).to.equal(2);
  });

  it('block ends the sessions at once and refuses sign-in; unblock allows it again; both audited', async () => {
    const browser = new Browser();
    expect(await signIn('ann@example.com', PASSWORD, browser)).to.equal(303);
    const blocked = await cli(['users', 'block', 'ann@example.com']);
    expect(blocked.code, blocked.stderr).to.equal(0);
    expect(await signedIn(browser)).to.equal(false);
    expect(await signIn('ann@example.com', PASSWORD)).to.equal(403);
    expect(await lastAudit()).to.deep.include({ type: 'f' });
    expect(JSON.parse((await cli(['users', 'list', '--q', 'blocked:true', '--json'])).stdout.toString()).total).to.equal(1);
    const unblocked = await cli(['users', 'unblock', 'ann@example.com']);
    expect(unblocked.code, unblocked.stderr).to.equal(0);
    expect(await lastAudit()).to.deep.include({ event: 'user_unblocked' });
    expect(await signIn('ann@example.com', PASSWORD)).to.equal(303);
  });

  it('remove needs --yes (exit 2 without it); then the user and their sessions are gone, audited', async () => {
    const browser = new Browser();
    expect(await signIn('carol@other.org', PASSWORD, browser)).to.equal(303);
    const unconfirmed = await cli(['users', 'remove', 'carol@other.org']);
    expect(unconfirmed.code).to.equal(2);
    expect(unconfirmed.stderr).to.match(/--yes/);
    expect(await signedIn(browser)).to.equal(true);
    const removed = await cli(['users', 'remove', 'carol@other.org', '--yes']);
    expect(removed.code, removed.stderr).to.equal(0);
    expect(await signedIn(browser)).to.equal(false);
    expect(await lastAudit()).to.deep.include({ event: 'user_deleted' });
    expect((await cli(['users', 'show', 'carol@other.org'])).code).to.equal(1);
  });
});
