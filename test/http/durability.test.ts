import { expect } from 'chai';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { startTestServer, startWithToken, tempDir, testBackend, TEST_KEK, type TestServer } from '../helpers/server.js';
import { unseal } from '../../src/keys/seal.js';
import { loadConfig, ConfigError } from '../../src/config.js';
import { startServer } from '../../src/http/server.js';

async function startFails(env: Record<string, string>, dir: string): Promise<ConfigError> {
  try {
    const running = await startServer(loadConfig(env, dir));
    await running.close();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('start-up should have failed');
}

describe('durability: restart, KEK, and no private key in the clear', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.destroy());

  it('a restart on the same store serves the same kids', async () => {
    const first = await startTestServer();
    const kids = (await (await fetch(`${first.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    await first.close();
    server = await startTestServer({ dir: first.dir });
    const again = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(again.keys.map((k) => k.kid)).to.deep.equal(kids.keys.map((k) => k.kid));
    expect(again.keys).to.have.length(2);
  });

  it('a wrong KEK stops start-up with a clear message and changes no key', async () => {
    const first = await startTestServer();
    const before = await first.services.store.listKeys();
    await first.close();
    const error = await startFails({ ...first.env, FEDMETA_KEK: Buffer.alloc(32, 9).toString('base64url') }, first.dir);
    expect(error.variable).to.equal('FEDMETA_KEK');
    expect(error.message).to.match(/does not open/);
    server = await startTestServer({ dir: first.dir });
    expect(await server.services.store.listKeys()).to.deep.equal(before);
  });

  it('without FEDMETA_KEK, the first start writes ./data/kek (mode 0600); a missing key file later stops start-up', async () => {
    const dir = tempDir();
    const env = { FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'data', 'fedmeta.db')}`, PORT: '0', FEDMETA_ENV_FILE: '/dev/null' };
    const first = await startServer(loadConfig(env, dir));
    expect(first.services.warnings.join()).to.match(/generated a key-encryption key/);
    const kekFile = join(dir, 'data', 'kek');
    expect(statSync(kekFile).mode & 0o777).to.equal(0o600);
    const kids = (await first.services.store.listKeys()).map((k) => k.kid).sort();
    await first.close();
    const second = await startServer(loadConfig(env, dir));
    expect((await second.services.store.listKeys()).map((k) => k.kid).sort()).to.deep.equal(kids);
    await second.close();
    unlinkSync(kekFile);
    const error = await startFails(env, dir);
    expect(error.variable).to.equal('FEDMETA_KEK');
    expect(error.message).to.match(/never regenerated/);
    expect(existsSync(kekFile)).to.equal(false);
  });

  // SQLite's own files, so these are registered only when the suite runs on SQLite (not a skip: there is
  // nothing to run on PostgreSQL, where test/postgres/postgres-store.test.ts checks every table instead).
  const onSqlite = testBackend() === 'sqlite' ? it : () => undefined;

  onSqlite('a fresh data directory is 0700 and the database, -wal, -shm and kek files 0600; looser existing modes are tightened with a warning', async () => {
    // A permissive umask, as on most systems: the modes must not depend on it.
    const umask = process.umask(0o022);
    const dir = tempDir();
    try {
      const data = join(dir, 'data');
      const env = { FEDMETA_DATABASE_URL: `sqlite:${join(data, 'fedmeta.db')}`, PORT: '0', FEDMETA_ENV_FILE: '/dev/null' };
      const files = ['fedmeta.db', 'fedmeta.db-wal', 'fedmeta.db-shm', 'kek'].map((name) => join(data, name));
      const mode = (path: string) => statSync(path).mode & 0o777;
      const first = await startServer(loadConfig(env, dir));
      try {
        expect(mode(data)).to.equal(0o700);
        for (const file of files) expect(mode(file), file).to.equal(0o600);
        expect(first.services.warnings.join()).not.to.match(/readable by other users/);
      } finally {
        await first.close();
      }
      for (const file of files.filter((path) => existsSync(path))) chmodSync(file, 0o644);
      const second = await startServer(loadConfig(env, dir));
      try {
        for (const file of files) expect(mode(file), file).to.equal(0o600);
        const warnings = second.services.warnings.join('\n');
        expect(warnings).to.include(`${join(data, 'fedmeta.db')} was readable by other users (mode 644); changed it to 600`);
        expect(warnings).to.include(`${join(data, 'kek')} was readable by other users (mode 644)`);
      } finally {
        await second.close();
      }
    } finally {
      process.umask(umask);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  onSqlite('the database files hold no private key in the clear', async () => {
    const started = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '10' } });
    server = started.server;
    await started.api('/api/v2/keys/signing/rotate', { method: 'POST' });
    const records = await server.services.store.listKeys();
    const kek = Buffer.from(TEST_KEK, 'base64url');
    const files = readdirSync(server.dir).filter((name) => name.startsWith('fedmeta.db'));
    expect(files).to.include('fedmeta.db');
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(server!.dir, name))));
    expect(bytes.includes('PRIVATE KEY')).to.equal(false);
    for (const record of records) {
      const pem = unseal(kek, record.kid, record.sealedPrivateKey!);
      const key = createPrivateKey(pem);
      const der = key.export({ format: 'der', type: 'pkcs1' });
      const jwk = key.export({ format: 'jwk' });
      const d = Buffer.from(jwk.d!, 'base64url');
      const p = Buffer.from(jwk.p!, 'base64url');
      expect(bytes.includes(der.subarray(0, 64)), `${record.kid} DER`).to.equal(false);
      expect(bytes.includes(d.subarray(0, 32)), `${record.kid} private exponent`).to.equal(false);
      expect(bytes.includes(p.subarray(0, 32)), `${record.kid} prime`).to.equal(false);
      expect(bytes.includes(Buffer.from(pem.split('\n')[1]!)), `${record.kid} PEM`).to.equal(false);
      expect(bytes.includes(Buffer.from(jwk.d!.slice(0, 40))), `${record.kid} base64url d`).to.equal(false);
    }
  });

  it('the store refuses two current keys and un-revoking, whatever the code above it does', async () => {
    server = await startTestServer();
    const store = server.services.store;
    const before = await store.listKeys();
    const next = before.find((k) => k.state === 'next')!;
    const now = new Date();
    let failure: unknown;
    try {
      await store.changeKeys({ now, plan: () => ({ changes: [{ ...next, state: 'current', currentSince: now }], result: null }), audit: () => [] });
    } catch (error) {
      failure = error;
    }
    expect(String(failure)).to.match(/UNIQUE/);
    expect(await store.listKeys()).to.deep.equal(before);
    // Revoke the previous key for real, then try to bring it back.
    await server.services.keys.rotate({ actor: { type: 'system', id: 'test' } });
    const previous = (await store.listKeys()).find((k) => k.state === 'previous')!;
    await server.services.keys.revoke(previous.kid, { actor: { type: 'system', id: 'test' }, force: true });
    const revoked = (await store.listKeys()).find((k) => k.kid === previous.kid)!;
    let unrevoke: unknown;
    try {
      await store.changeKeys({ now, plan: () => ({ changes: [{ ...revoked, state: 'previous', revokedAt: undefined }], result: null }), audit: () => [] });
    } catch (error) {
      unrevoke = error;
    }
    expect(String(unrevoke)).to.match(/revoked/);
    expect((await store.listKeys()).find((k) => k.kid === previous.kid)!.state).to.equal('revoked');
  });


});
