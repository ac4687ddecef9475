// fedmeta metadata-signer show|rotate and keys revoke's guard, as a separate process on the same store
// as a running server (the compiled CLI: npm run build first).
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { publishedMetadataSigner } from '../helpers/metadata-signer.js';

describe('CLI: metadata-signer and the revoke guard', () => {
  let server: TestServer;
  const cli = (...args: string[]) => runCli(args, server.env);
  const pinned = async () => (await fetch(`${server.url}/metadata-signer.pem`)).text();

  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.destroy());

  it('metadata-signer show prints the certificate the server publishes at /metadata-signer.pem', async () => {
    const pem = await cli('metadata-signer', 'show', '--format', 'pem');
    expect(pem.code, pem.stderr).to.equal(0);
    expect(pem.stdout.toString()).to.equal(await pinned());
    const json = JSON.parse((await cli('metadata-signer', 'show', '--json')).stdout.toString()) as { kid: string; cert: string; signs_metadata: boolean };
    expect(json.cert).to.equal(await pinned());
    expect(json).to.include({ kid: (await publishedMetadataSigner(server)).kid, signs_metadata: true });
    const human = await cli('metadata-signer', 'show');
    expect(human.stdout.toString()).to.include(json.kid).and.include('BEGIN CERTIFICATE');
    expect((await cli('metadata-signer', 'show', '--format', 'jwk')).code).to.equal(2);
    expect((await cli('metadata-signer', 'nope')).code).to.equal(2);
  });

  it('metadata-signer rotate replaces it; the running server publishes the new certificate within a second; audited', async () => {
    const before = await pinned();
    const rotated = await cli('metadata-signer', 'rotate', '--json');
    expect(rotated.code, rotated.stderr).to.equal(0);
    const { kid, cert, previous } = JSON.parse(rotated.stdout.toString()) as { kid: string; cert: string; previous: string };
    expect(cert).not.to.equal(before);
    const started = Date.now();
    while ((await pinned()) !== cert) {
      expect(Date.now() - started).to.be.below(1000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const [entry] = await server.services.store.queryAudit({ limit: 1 });
    expect(entry).to.deep.include({ event: 'metadata_signer_rotated', actor: { type: 'cli', id: entry!.actor.id } });
    expect(entry!.details).to.deep.include({ kid, previous });
  });

  it('keys revoke refuses a previous key before its revocable_at (exit 1, one line); --force revokes it', async () => {
    expect((await cli('keys', 'rotate')).code).to.equal(0);
    const list = JSON.parse((await cli('keys', 'list', '--json')).stdout.toString()) as { kid: string; previous: boolean; revocable_at?: string }[];
    const previous = list.find((key) => key.previous)!;
    expect(previous.revocable_at).to.be.a('string');
    const refused = await cli('keys', 'revoke', previous.kid);
    expect(refused.code).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    expect(refused.stderr).to.include(previous.revocable_at!);
    const forced = await cli('keys', 'revoke', previous.kid, '--force');
    expect(forced.code, forced.stderr).to.equal(0);
    expect(forced.stdout.toString()).to.include('forced');
  });
});
