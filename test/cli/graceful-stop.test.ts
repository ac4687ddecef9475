// Issue 14 item 8: `npm start` starts the built server at once (the build happens at install) as the
// process that receives signals; SIGTERM stops it gracefully: no new connections, the request in flight
// is answered in full, a "stopping" line, exit 0.
import { expect } from 'chai';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { serveProcess } from '../helpers/cli.js';
import { freePort, tempDir, TEST_KEK } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('close', () => resolve(text));
  });
}

describe('npm start and SIGTERM (issue 14)', () => {
  it('npm start serves without rebuilding; SIGTERM lets the request in flight finish, prints "stopping", exits 0', async function () {
    this.timeout(60_000);
    const dir = tempDir();
    const port = await freePort();
    const env = { FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'fedmeta.db')}`, FEDMETA_KEK: TEST_KEK, HOST: '127.0.0.1', PORT: String(port), FEDMETA_ENV_FILE: '/dev/null' };
    const started = await serveProcess(env, ['npm', 'start', '--silent']);
    expect(started.output(), 'no build step at start').not.to.match(/\btsc\b/);
    expect((await fetch(`${started.url}/.well-known/jwks.json`)).status).to.equal(200);

    // A request in flight: headers and half its body sent.
    const body = `grant_type=client_credentials&client_id=nobody&client_secret=wrong&audience=${encodeURIComponent('http://localhost:3000/api/v2/')}`;
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    const answer = readAll(socket);
    socket.write(`POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 20)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const exited = once(started.child, 'exit');
    started.child.kill('SIGTERM'); // npm's process, as a supervisor would signal it
    await until(() => /stopping/.test(started.output()), 10_000, 'the "stopping" line');
    const refused = await fetch(`${started.url}/.well-known/jwks.json`).then(() => 'answered', () => 'refused');
    expect(refused, 'no new connections once stopping').to.equal('refused');

    socket.write(body.slice(20)); // the server closes the connection once it has answered
    const response = await answer;
    expect(response, "the request in flight got its whole answer").to.match(/^HTTP\/1\.1 401 /);
    expect(response).to.match(/\{"error":"invalid_client"[^}]*\}$/);
    const [code] = (await exited) as [number | null];
    expect(code, started.output()).to.equal(0);
    expect(started.output()).to.match(/fedmeta stopping \(SIGTERM\)[^\n]*\n(.|\n)*fedmeta stopped/);
  });
});
