// `fedmeta serve` as operators run it: JSON lines on stdout (not a terminal), the start-up line
// still naming the URL, an access line per request with the echoed X-Request-Id, "stopping" and
// "stopped" on SIGTERM, and none of the secrets used (client secret, access token, KEK).
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { expect } from 'chai';
import { runCli, serveProcess } from '../helpers/cli.js';
import { TEST_KEK, freePort, tempDir, testBackend, testEnv } from '../helpers/server.js';
import { secretShapesIn, secretsIn } from '../helpers/logs.js';

describe('fedmeta serve: logs on stdout', function () {
  this.timeout(60_000);

  it('writes JSON lines: start-up, one access line per request, stopping and stopped; no secret', async () => {
    const dir = tempDir();
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const env = testEnv(dir, { FEDMETA_LOG_FILE: '', PORT: String(port), FEDMETA_ISSUER: issuer });
    const added = await runCli(['api-clients', 'add', '--name', 'ops', '--scopes', 'read:signing_keys', '--json'], env);
    expect(added.code, added.stderr).to.equal(0);
    const credentials = JSON.parse(added.stdout.toString()) as { client_id: string; client_secret: string };
    const running = await serveProcess(env);
    try {
      const tokenResponse = await fetch(`${running.url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${issuer}/api/v2/` }),
      });
      expect(tokenResponse.status).to.equal(200);
      const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
      const listed = await fetch(`${running.url}/api/v2/keys/signing`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'ops-check-1' } });
      expect(listed.status).to.equal(200);
      expect(listed.headers.get('x-request-id')).to.equal('ops-check-1');
      running.child.kill('SIGTERM');
      const [code] = (await once(running.child, 'exit')) as [number];
      expect(code).to.equal(0);
      const stdout = running.output();
      const lines = stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      const startUp = lines.find((line) => typeof line.msg === 'string' && line.msg.startsWith('fedmeta listening on '))!;
      expect(startUp).to.deep.include({ level: 'info', url: running.url, store: testBackend() });
      const access = lines.find((line) => line.request_id === 'ops-check-1')!;
      expect(access).to.include({ level: 'info', msg: 'request', method: 'GET', route: 'api-signing-keys', status: 200, client: '127.0.0.1', client_id: credentials.client_id });
      expect(lines.find((line) => line.route === 'oauth-token')).to.include({ status: 200, client_id: credentials.client_id });
      expect(lines.at(-2)).to.deep.include({ level: 'info', signal: 'SIGTERM' });
      expect(lines.at(-2)!.msg).to.match(/^fedmeta stopping \(SIGTERM\)/);
      expect(lines.at(-1)).to.deep.include({ level: 'info', msg: 'fedmeta stopped' });
      const secrets = new Map([[credentials.client_secret, 'client secret'], [TEST_KEK, 'KEK'], [token, 'access token']]);
      expect(secretsIn(stdout, secrets)).to.deep.equal([]);
      expect(secretShapesIn(stdout)).to.deep.equal([]);
    } finally {
      if (running.child.exitCode === null) running.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
