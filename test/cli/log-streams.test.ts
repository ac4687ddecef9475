// fedmeta log-streams add|list|remove and the usage line: the same service as the Management API;
// the signing secret is printed once, a plain-http endpoint off loopback is refused.
import { expect } from 'chai';
import { captureIo, startTestServer, type TestServer } from '../helpers/server.js';
import { runCli, runCommand } from '../../src/cli/main.js';

describe('fedmeta log-streams', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer()));
  after(async () => server.destroy());

  it('add prints the id and the signing secret once; list shows the stream; remove deletes it', async () => {
    const add = captureIo();
    const args = ['add', '--name', 'siem', '--endpoint', 'https://logs.example.com/in', '--category', 'keys', '--format', 'JSONLINES', '--json'];
    await runCommand(['log-streams', ...args], server.services, add);
    const created = JSON.parse(add.stdout()) as { id: string; signing_secret: string; filters: unknown; sink: { httpContentFormat: string } };
    expect(created.signing_secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(created.filters).to.deep.equal([{ type: 'category', name: 'keys' }]);
    expect(created.sink.httpContentFormat).to.equal('JSONLINES');

    const list = captureIo();
    await runCommand(['log-streams', 'list'], server.services, list);
    expect(list.stdout()).to.match(new RegExp(`${created.id}\\s+siem\\s+active\\s+https://logs.example.com/in`));
    expect(list.stdout()).to.not.include(created.signing_secret);

    const remove = captureIo();
    await runCommand(['log-streams', 'remove', created.id], server.services, remove);
    expect(await server.services.logStreams.list()).to.deep.equal([]);
  });

  it('refuses http: off loopback (exit 1) and shows its usage (exit 2)', async () => {
    const refused = captureIo();
    const previous = process.env;
    process.env = { ...previous, ...server.env };
    try {
      expect(await runCli(['log-streams', 'add', '--name', 'x', '--endpoint', 'http://logs.example.com/in'], async () => 0, refused)).to.equal(1);
      expect(refused.stderr()).to.match(/sink\.httpEndpoint must be an https: URL/);
      const usage = captureIo();
      expect(await runCli(['log-streams', 'frobnicate'], async () => 0, usage)).to.equal(2);
      expect(usage.stderr()).to.match(/usage: fedmeta log-streams add/);
    } finally {
      process.env = previous;
    }
  });
});
