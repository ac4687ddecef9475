// --json on every command that prints data: stdout is exactly one JSON document, for every command the
// commander program declares with --json (a new one without a case here fails the first test). The
// commands run in-process on a real server's services, in an order that gives each what it needs.
import { expect } from 'chai';
import { captureIo, startTestServer, type TestServer } from '../helpers/server.js';
import { JSON_COMMANDS } from '../helpers/cli-program.js';
import { runCommand } from '../../src/cli/main.js';
import { rememberSecret } from '../helpers/logs.js';

type Json = Record<string, unknown> & { kid?: string; client_id?: string; id?: string };
type Ids = Record<string, string>;

interface JsonCase {
  command: string;
  args?: (ids: Ids) => string[];
  stdin?: string;
  /** Checks the parsed output and keeps what later cases need. */
  then?: (json: Json & Json[], ids: Ids) => void;
}

const EMAIL = 'json@example.com';
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'another horse battery';

const CASES: JsonCase[] = [
  {
    command: 'keys list',
    then: (keys, ids) => {
      ids.current = keys.find((key) => key.current)!.kid!;
    },
  },
  { command: 'keys status', then: (report) => expect(report).to.have.property('ready') },
  { command: 'keys policy', then: (report) => expect(report).to.have.property('scheduled_revocations') },
  { command: 'keys show', args: (ids) => [ids.current!], then: (key, ids) => expect(key.kid).to.equal(ids.current) },
  {
    command: 'keys rotate',
    then: (rotated, ids) => {
      ids.previous = ids.current!;
      ids.current = rotated.kid!;
    },
  },
  { command: 'keys revoke', args: (ids) => [ids.previous!, '--force'], then: (key, ids) => expect(key).to.include({ kid: ids.previous, revoked: true }) },
  { command: 'keys renew', args: (ids) => [ids.current!, '--days', '30'], then: (key, ids) => expect(key.kid).to.equal(ids.current) },
  { command: 'metadata-signer show', then: (signer, ids) => void (ids.signer = signer.kid!) },
  { command: 'metadata-signer rotate', then: (signer, ids) => expect(signer.previous).to.equal(ids.signer) },
  { command: 'clients add-saml', args: () => ['--name', 'SP', '--audience', 'https://sp.example.com', '--callback', 'https://sp.example.com/acs'] },
  {
    command: 'clients add-wsfed',
    args: () => ['--name', 'RP', '--realm', 'urn:rp', '--callback', 'https://rp.example.com/wsfed', '--certificate-delivery', 'manual'],
    then: (app, ids) => void (ids.rp = app.client_id!),
  },
  { command: 'clients list', then: (apps) => expect(apps).to.have.length(2) },
  { command: 'keys acknowledge', args: (ids) => [ids.rp!], then: (done, ids) => expect(done.client_id).to.equal(ids.rp) },
  { command: 'users add', args: () => [EMAIL, '--name', 'Jay'], stdin: `${PASSWORD}\n`, then: (user) => expect(user).to.include({ email: EMAIL, admin: false }) },
  { command: 'users grant-admin', args: () => [EMAIL], then: (user) => expect(user.admin).to.equal(true) },
  { command: 'users revoke-admin', args: () => [EMAIL], then: (user) => expect(user.admin).to.equal(false) },
  { command: 'users list', args: () => ['--q', 'email:"json@example.com"'], then: (found) => expect(found).to.deep.include({ total: 1, length: 1 }) },
  { command: 'users show', args: () => [EMAIL], then: (user) => expect(user).to.include({ email: EMAIL, name: 'Jay' }) },
  { command: 'users set-password', args: () => [EMAIL], stdin: `${NEW_PASSWORD}\n`, then: (user) => expect(user.email).to.equal(EMAIL) },
  { command: 'users block', args: () => [EMAIL], then: (user) => expect(user.blocked).to.equal(true) },
  { command: 'users unblock', args: () => [EMAIL], then: (user) => expect(user.blocked).to.equal(false) },
  { command: 'users remove', args: () => [EMAIL, '--yes'], then: (removed) => expect(removed).to.deep.include({ email: EMAIL, removed: true }) },
  {
    command: 'api-clients add',
    args: () => ['--scopes', 'read:signing_keys'],
    then: (client, ids) => {
      ids.api = client.client_id!;
      rememberSecret('client secret', client.client_secret as string);
    },
  },
  { command: 'api-clients list', then: (clients, ids) => expect(clients.map((client) => client.client_id)).to.include(ids.api) },
  {
    command: 'api-clients rotate-secret',
    args: (ids) => [ids.api!],
    then: (client) => {
      expect(client.client_secret).to.be.a('string');
      rememberSecret('client secret', client.client_secret as string);
    },
  },
  { command: 'api-clients remove', args: (ids) => [ids.api!], then: (removed, ids) => expect(removed).to.deep.equal({ client_id: ids.api, removed: true }) },
  {
    command: 'log-streams add',
    args: () => ['--name', 'siem', '--endpoint', 'https://logs.example.com/in'],
    then: (stream, ids) => {
      ids.stream = stream.id!;
      rememberSecret('log stream signing secret', stream.signing_secret as string);
    },
  },
  { command: 'log-streams list', then: (streams, ids) => expect(streams.map((stream) => stream.id)).to.deep.equal([ids.stream]) },
  { command: 'log-streams remove', args: (ids) => [ids.stream!], then: (removed, ids) => expect(removed).to.deep.equal({ id: ids.stream, removed: true }) },
];

describe('CLI --json on every data command', () => {
  let server: TestServer;
  const ids: Ids = {};
  before(async () => {
    rememberSecret('password', PASSWORD);
    rememberSecret('password', NEW_PASSWORD);
    server = await startTestServer();
  });
  after(async () => server.destroy());

  it('every command that accepts --json has a case here, and every case is such a command', () => {
    expect(CASES.map((c) => c.command)).to.have.members(JSON_COMMANDS);
  });

  for (const { command, args, stdin, then } of CASES) {
    it(`fedmeta ${command} --json prints one JSON document on stdout`, async () => {
      const io = captureIo(stdin);
      await runCommand([...command.split(' '), ...(args?.(ids) ?? []), '--json'], server.services, io);
      const json = JSON.parse(io.stdout()) as Json & Json[];
      expect(json).to.be.an(Array.isArray(json) ? 'array' : 'object');
      then?.(json, ids);
    });
  }
});
