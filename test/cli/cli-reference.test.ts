// The CLI's contract, derived from the commander program itself so a new command is covered as soon
// as it is declared: --help everywhere (exit 0, stdout, every option and argument described), unknown
// options refused with the usage (exit 2), --version, serve --help/--host/--port. The tables run the
// CLI's entry (runCli) in-process, dozens of runs; a sample and serve run the built binary
// (npm run build first) to check what reaches the process's stdout, stderr and exit code.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BIN, runCli, serveProcess, stopServeProcess } from '../helpers/cli.js';
import { captureIo, freePort, tempDir, testEnv } from '../helpers/server.js';
import { runCli as runCliEntry } from '../../src/cli/main.js';
import { byPath, COMMAND_PATHS, GROUP_COMMANDS, LEAF_COMMANDS } from '../helpers/cli-program.js';

const PATHS = COMMAND_PATHS;
const LEAVES = LEAF_COMMANDS;
const GROUPS = GROUP_COMMANDS;
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const lines = (text: string) => text.trim().split('\n');

/** The CLI's entry in-process: exit code, stdout, stderr (no command here opens a store or serves). */
async function run(args: string[]) {
  const io = captureIo();
  const code = await runCliEntry(args, () => Promise.reject(new Error('serve must not start')), io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

/** The options a command cannot run without, with a value, so the check under test is the one that fails. */
const mandatory = (path: string[]) => byPath(path).options.filter((option) => option.mandatory).flatMap((option) => [option.long!, 'x']);

describe('CLI reference: help, usage errors and --version for every command', () => {
  it('the program declares the commands the README lists, and describes every option and argument', () => {
    expect(GROUPS.map((path) => path[0])).to.include.members(['keys', 'metadata-signer', 'clients', 'users', 'api-clients', 'log-streams']);
    expect(LEAVES.map((path) => path.join(' '))).to.include.members(['serve', 'migrate', 'keys rotate', 'users add', 'api-clients rotate-secret', 'log-streams remove']);
    for (const path of PATHS) {
      const command = byPath(path);
      expect(command.description(), path.join(' ')).to.not.equal('');
      for (const option of command.options) expect(option.description, `${path.join(' ')} ${option.flags}`).to.not.equal('');
      for (const argument of command.registeredArguments) expect(argument.description, `${path.join(' ')} ${argument.name()}`).to.not.equal('');
    }
  });

  for (const path of PATHS) {
    it(`fedmeta ${path.join(' ')} --help: exit 0, the usage on stdout`, async () => {
      const result = await run([...path, '--help']);
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stderr).to.equal('');
      const help = result.stdout;
      expect(help).to.match(new RegExp(`^Usage: fedmeta ${path.join(' ')}( |$)`, 'm'));
      for (const option of byPath(path).options) expect(help).to.include(option.flags);
    });
  }

  for (const path of LEAVES) {
    it(`fedmeta ${path.join(' ')} --no-such-option: exit 2, one line on stderr ending with its usage`, async () => {
      const result = await run([...path, ...mandatory(path), '--no-such-option']);
      expect(result.code).to.equal(2);
      expect(lines(result.stderr)).to.have.length(1);
      expect(result.stderr).to.match(new RegExp(`^fedmeta: unknown option '--no-such-option'; usage: fedmeta ${path.join(' ')}`));
      expect(result.stdout.length).to.equal(0);
    });
  }

  it('fedmeta help GROUP [COMMAND] is its --help; fedmeta help lists every group', async () => {
    for (const [group] of GROUPS) {
      const result = await run(['help', group!]);
      expect(result.code, group).to.equal(0);
      expect(result.stdout).to.equal((await run([group!, '--help'])).stdout);
    }
    expect((await run(['help', 'keys', 'rotate'])).stdout).to.equal((await run(['keys', 'rotate', '--help'])).stdout);
    expect((await run(['help', 'frobnicate'])).code).to.equal(2);
    const top = await run(['help']);
    expect(top.code).to.equal(0);
    for (const [group] of GROUPS) expect(top.stdout).to.include(`  ${group} `);
    expect(top.stdout).to.match(/Exit codes: 0 done; 1 refused or failed .*; 2 usage error/);
  });

  it('without a command, or a group without its subcommand: the usage on stderr, exit 2', async () => {
    for (const args of [[], ['keys'], ['users']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stderr).to.match(new RegExp(`^Usage: fedmeta ${args.join(' ')}`.trimEnd()));
      expect(result.stdout.length).to.equal(0);
    }
  });

  it('missing or excess arguments and unknown commands: exit 2, one line naming the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['keys', 'revoke'], /^fedmeta: missing required argument 'kid'; usage: fedmeta keys revoke <kid>/],
      [['keys', 'revoke', 'a', 'b'], /^fedmeta: too many arguments for 'revoke'\. Expected 1 argument but got 2; usage: fedmeta keys revoke/],
      [['keys', 'frobnicate'], /^fedmeta: unknown command 'frobnicate'; usage: fedmeta keys list\|status\|/],
      [['kyes', 'list'], /^fedmeta: unknown command 'kyes' \(Did you mean keys\?\); usage: fedmeta <command>/],
      [['keys', 'show', 'x', '--format', 'der'], /^fedmeta: option '--format <format>' argument 'der' is invalid\. Allowed choices are pem, cer, rawpem, pkcs7, jwk; usage: fedmeta keys show/],
      [['keys', 'show', 'x', '--format', 'pem', '--json'], /^fedmeta: option '--format <format>' cannot be used with option '--json'/],
      [['clients', 'add-wsfed', '--name', 'x'], /^fedmeta: required option '--realm <realm>' not specified/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(lines(result.stderr), args.join(' ')).to.have.length(1);
      expect(result.stderr, args.join(' ')).to.match(message);
    }
  });

  it('--version and -V print the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await run([flag]);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.equal(`${VERSION}\n`);
    }
  });
});

describe('CLI reference: the built binary (stdout, stderr, exit code)', function () {
  this.timeout(60_000);
  const env = testEnv(tempDir());

  it('--help and help on stdout with exit 0; usage errors on stderr with exit 2; --version', async () => {
    for (const args of [['--help'], ['keys', '--help'], ['keys', 'rotate', '--help'], ['help', 'keys']]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).to.equal(0);
      expect(result.stdout.toString(), args.join(' ')).to.match(/^Usage: fedmeta /);
      expect(result.stderr).to.equal('');
    }
    for (const args of [['keys', 'list', '--bogus'], ['keys'], []]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(result.stdout.length, args.join(' ')).to.equal(0);
      expect(result.stderr, args.join(' ')).to.match(/^(fedmeta: unknown option '--bogus'; usage: fedmeta keys list \[--json\]|Usage: fedmeta )/);
    }
    const version = await runCli(['--version'], env);
    expect([version.code, version.stdout.toString()]).to.deep.equal([0, `${VERSION}\n`]);
  });
});

describe('CLI reference: serve --help, --host and --port', function () {
  this.timeout(60_000);

  it('serve --help prints the usage and exits 0 without starting a server', async () => {
    const result = await runCli(['serve', '--help'], testEnv(tempDir()));
    expect(result.code).to.equal(0);
    expect(result.stdout.toString()).to.match(/^Usage: fedmeta serve \[--host <host>\] \[--port <port>\]/m);
    expect(result.stdout.toString()).not.to.include('listening');
  });

  it('serve --host and --port win over HOST and PORT', async () => {
    const dir = tempDir();
    const port = await freePort();
    const running = await serveProcess(testEnv(dir, { HOST: 'localhost', PORT: '0' }), [process.execPath, BIN, 'serve', '--host', '127.0.0.1', '--port', String(port)]);
    try {
      expect(running.url).to.equal(`http://127.0.0.1:${port}`);
      expect((await fetch(`${running.url}/.well-known/jwks.json`)).status).to.equal(200);
    } finally {
      await stopServeProcess(running, dir);
    }
  });

  it('invalid --host or --port: exit 2, one line; an invalid HOST stops any command with exit 1', async () => {
    const env = testEnv(tempDir());
    for (const [args, message] of [
      [['serve', '--port', '70000'], /^fedmeta: option '--port <port>' argument '70000' is invalid\. must be between 0 and 65535 \(got 70000\)/],
      [['serve', '--port', 'http'], /must be a whole number \(got "http"\)/],
      [['serve', '--host', 'evil host;'], /^fedmeta: option '--host <host>' argument 'evil host;' is invalid\. must be an IP address or a host name/],
    ] as [string[], RegExp][]) {
      const result = await runCli(args, env);
      expect(result.code, args.join(' ')).to.equal(2);
      expect(lines(result.stderr)).to.have.length(1);
      expect(result.stderr).to.match(message);
    }
    const badHost = await runCli(['keys', 'list'], { ...env, HOST: 'evil host;' });
    expect(badHost.code).to.equal(1);
    expect(badHost.stderr).to.match(/^fedmeta: HOST: must be an IP address or a host name/);
    expect(lines(badHost.stderr)).to.have.length(1);
  });
});
