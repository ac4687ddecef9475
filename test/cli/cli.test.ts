import { expect } from 'chai';
import { once } from 'node:events';
import { runCli, serveProcess } from '../helpers/cli.js';
import { startTestServer, tempDir, testEnv, type TestServer } from '../helpers/server.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { until } from '../helpers/wait.js';

interface Key {
  kid: string;
  cert: string;
  pkcs7: string;
  current: boolean;
  next: boolean;
  previous: boolean;
  revoked: boolean;
}

describe('CLI (fedmeta, a separate process on the same store)', () => {
  let server: TestServer;
  const cli = (...args: string[]) => runCli(args, server.env);
  const keys = async () => JSON.parse((await cli('keys', 'list', '--json')).stdout.toString()) as Key[];
  const jwksKids = async () =>
    ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.destroy());

  it('keys list shows the same keys as the running server, as a table or JSON', async () => {
    const table = await cli('keys', 'list');
    expect(table.code).to.equal(0);
    expect(table.stdout.toString().split('\n')[0]).to.match(/^STATE\s+KID\s+FINGERPRINT/);
    const list = await keys();
    expect(list.filter((k) => !k.revoked).map((k) => k.kid)).to.deep.equal(await jwksKids());
  });

  it('keys rotate from the shell is served by the running server within one second', async () => {
    const before = await keys();
    const next = before.find((k) => k.next)!;
    const result = await cli('keys', 'rotate');
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout.toString()).to.include(next.kid);
    // How fast: npm run bench measures it; here, that the running server does serve it.
    const ms = await until(async () => (await jwksKids())[0] === next.kid, 10_000, 'the CLI rotation served', 20);
    console.log(`      (CLI rotation served by the server after ${ms} ms)`);
    expect((await currentKeyFromApi(server)).kid).to.equal(next.kid);
  });

  it('keys show prints every format, byte-equal to the published downloads', async () => {
    const previous = (await keys()).find((k) => k.previous)!;
    const fetchBytes = async (path: string) => Buffer.from(await (await fetch(`${server.url}${path}?kid=${previous.kid}`)).arrayBuffer());
    const show = async (format: string) => (await cli('keys', 'show', previous.kid, '--format', format)).stdout;
    expect((await show('pem')).equals(await fetchBytes('/pem'))).to.equal(true);
    expect((await show('cer')).equals(await fetchBytes('/cer'))).to.equal(true);
    expect((await show('rawpem')).toString().trim()).to.equal((await fetchBytes('/rawpem')).toString());
    expect((await show('pkcs7')).equals(await fetchBytes('/pb7'))).to.equal(true);
    const jwk = JSON.parse((await show('jwk')).toString()) as { kid: string };
    const published = ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys;
    expect(published.find((k) => k.kid === previous.kid)).to.deep.equal(jwk);
    const json = JSON.parse((await cli('keys', 'show', previous.kid)).stdout.toString()) as Key;
    expect(json).to.include({ kid: previous.kid, previous: true });
  });

  it('keys revoke revokes a previous key; refusals exit non-zero with one line on stderr and change nothing', async () => {
    const list = await keys();
    const current = list.find((k) => k.current)!;
    const previous = list.find((k) => k.previous)!;
    for (const args of [['keys', 'revoke', current.kid], ['keys', 'revoke', 'no-such-kid'], ['keys', 'show', 'no-such-kid']]) {
      const refused = await cli(...args);
      expect(refused.code, args.join(' ')).to.equal(1);
      expect(refused.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
      expect(refused.stderr).to.match(/^fedmeta: /);
    }
    expect(await keys()).to.deep.equal(list);
    const revoked = await cli('keys', 'revoke', previous.kid);
    expect(revoked.code, revoked.stderr).to.equal(0);
    expect((await keys()).find((k) => k.kid === previous.kid)).to.include({ revoked: true });
    await until(async () => !(await jwksKids()).includes(previous.kid), 10_000, 'the revoked key unpublished', 20);
  });

  it('keys rotate --revoke-previous is the emergency rotation', async () => {
    const current = (await keys()).find((k) => k.current)!;
    const result = await cli('keys', 'rotate', '--revoke-previous');
    expect(result.code, result.stderr).to.equal(0);
    expect((await keys()).find((k) => k.kid === current.kid)).to.include({ revoked: true });
  });

  it('api-clients add prints a client id and secret once; bad scopes and usage errors exit 2', async () => {
    const added = await cli('api-clients', 'add', '--name', 'ops', '--scopes', 'read:signing_keys create:signing_keys update:signing_keys');
    expect(added.code, added.stderr).to.equal(0);
    const out = added.stdout.toString();
    const id = /client_id:\s+(\S+)/.exec(out)![1]!;
    const secret = /client_secret:\s+(\S+)/.exec(out)![1]!;
    expect(added.stderr).to.match(/shown only this once/);
    const token = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, audience: `${server.config.issuer}/api/v2/` }),
    });
    expect(token.status).to.equal(200);
    for (const args of [
      ['api-clients', 'add', '--scopes', 'rule:the_world'],
      ['api-clients', 'add'],
      ['keys', 'list', '--bogus'],
      ['frobnicate'],
    ]) {
      const refused = await cli(...args);
      expect(refused.code, args.join(' ')).to.equal(2);
      expect(refused.stderr.trim().split('\n'), args.join(' ')).to.have.length(1);
    }
  });

  it('invalid configuration stops with one line naming the variable', async () => {
    const result = await runCli(['keys', 'list'], { ...server.env, FEDMETA_KEY_SIZE: '1024' });
    expect(result.code).to.equal(1);
    expect(result.stderr).to.match(/^fedmeta: FEDMETA_KEY_SIZE: /);
    expect(result.stderr.trim().split('\n')).to.have.length(1);
  });

  it('fedmeta serve starts the service on a fresh store and stops cleanly on SIGTERM', async () => {
    const dir = tempDir();
    const env = testEnv(dir);
    const running = await serveProcess(env);
    const jwks = (await (await fetch(`${running.url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).to.have.length(2);
    running.child.kill('SIGTERM');
    const [code] = (await once(running.child, 'exit')) as [number];
    expect(code).to.equal(0);
  });
});
