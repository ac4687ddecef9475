// fedmeta users add at a terminal: the password is asked for twice and never echoed (a real
// pseudo-terminal, the built CLI); piped, it is read from stdin as before.
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import { runCliInTerminal, terminalUnavailable } from '../helpers/terminal.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { skipBecause } from '../helpers/optional.js';
import { verifySecret } from '../../src/auth/passwords.js';
import { rememberSecret } from '../helpers/logs.js';

const PASSWORD = 'tty correct horse battery';

describe('CLI: users add asks for the password on a terminal', () => {
  let server: TestServer;
  before(async function () {
    rememberSecret('password', PASSWORD);
    const missing = terminalUnavailable();
    if (missing) skipBecause(this, missing);
    server = await startTestServer();
  });
  after(async () => server?.destroy());

  it('prompts twice without echo; the user is created with that password', async () => {
    const result = await runCliInTerminal(['users', 'add', 'tty@example.com', '--name', 'Tty', '--json'], server.env, [
      { prompt: 'Password: ', answer: PASSWORD },
      { prompt: 'Repeat the password: ', answer: PASSWORD },
    ]);
    expect(result.code, result.screen).to.equal(0);
    expect(result.screen).to.include('Password: ').and.to.include('Repeat the password: ');
    expect(result.screen, 'the password was echoed').not.to.include(PASSWORD);
    expect(result.screen).not.to.include('tty correct');
    const created = JSON.parse(result.screen.slice(result.screen.indexOf('{'), result.screen.lastIndexOf('}') + 1)) as { email: string };
    expect(created.email).to.equal('tty@example.com');
    const user = await server.services.users.findByEmail('tty@example.com');
    expect(await verifySecret(PASSWORD, user.passwordHash)).to.equal(true);
  });

  it('two different answers: exit 1, one line, nothing created', async () => {
    const result = await runCliInTerminal(['users', 'add', 'typo@example.com'], server.env, [
      { prompt: 'Password: ', answer: PASSWORD },
      { prompt: 'Repeat the password: ', answer: `${PASSWORD}x` },
    ]);
    expect(result.code, result.screen).to.equal(1);
    expect(result.screen).to.match(/fedmeta: the two passwords differ; nothing was changed \(invalid_request\)/);
    expect(result.screen).not.to.include(PASSWORD);
    const error = await server.services.users.findByEmail('typo@example.com').catch((refused: Error) => refused);
    expect(error).to.be.instanceOf(Error);
  });

  it('piped, the password is read from stdin without a prompt', async () => {
    const result = await runCli(['users', 'add', 'piped@example.com'], server.env, `${PASSWORD}\n`);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stderr).not.to.include('Password');
    const user = await server.services.users.findByEmail('piped@example.com');
    expect(await verifySecret(PASSWORD, user.passwordHash)).to.equal(true);
  });
});
