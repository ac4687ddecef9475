// Issue 14 item 7: behind a reverse proxy. X-Forwarded-For is believed only from the proxies named in
// FEDMETA_TRUST_PROXY, read from the right, so audit entries and throttles see the real client and a
// client cannot choose its own address. The last suite runs Debian's nginx in front of fedmeta with the
// configuration the README documents (deploy/nginx/fedmeta-proxy.conf).
import { expect } from 'chai';
import { resolve } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm, type Page } from '../helpers/browser.js';
import { NGINX, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { skipBecause } from '../helpers/optional.js';
import { ACCOUNT_IP_POLICY } from '../../src/http/login.js';

const PASSWORD = 'correct horse battery';
const SYSTEM = { type: 'system', id: 'test' } as const;

async function failSignIn(server: TestServer, baseUrl: string, browser: Browser, email: string): Promise<Page> {
  const page = await browser.request(`${baseUrl}/login`);
  return browser.request(`${baseUrl}/login`, { form: { ...readForm(page.body, page.url).fields, username: email, password: 'wrong guess' } });
}

async function failedSignInAddresses(server: TestServer, email: string): Promise<string[]> {
  const audit = await server.services.store.queryAudit({ limit: 100 });
  return audit.filter((entry) => entry.user_name === email && (entry.type === 'fp' || entry.type === 'fu')).map((entry) => entry.ip ?? '');
}

describe('behind a reverse proxy: FEDMETA_TRUST_PROXY (issue 14)', () => {
  describe('without FEDMETA_TRUST_PROXY (the default)', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer();
    });
    after(async () => server.destroy());

    it('ignores X-Forwarded-For: the audit entry names the connecting address', async () => {
      const email = 'nobody-1@example.com';
      await failSignIn(server, server.url, new Browser({ 'x-forwarded-for': '203.0.113.9' }, '127.0.0.2'), email);
      expect(await failedSignInAddresses(server, email)).to.deep.equal(['127.0.0.2']);
    });

    it('a forged X-Forwarded-For does not buy fresh throttle buckets', async () => {
      const victim = await server.services.users.create({ email: 'victim-1@example.com', password: PASSWORD }, SYSTEM);
      let status = 0;
      for (let i = 0; i <= ACCOUNT_IP_POLICY.burst; i++) {
        status = (await failSignIn(server, server.url, new Browser({ 'x-forwarded-for': `198.51.100.${i + 1}` }, '127.0.0.4'), victim.email)).status;
      }
      expect(status, 'the attempt past the burst, from the same address under a new forged header').to.equal(429);
    });
  });

  describe('with FEDMETA_TRUST_PROXY=127.0.0.1', () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ env: { FEDMETA_TRUST_PROXY: '127.0.0.1' } });
    });
    after(async () => server.destroy());

    it('believes the trusted proxy: the audit entry names the forwarded client', async () => {
      const email = 'nobody-2@example.com';
      await failSignIn(server, server.url, new Browser({ 'x-forwarded-for': '203.0.113.9' }), email);
      expect(await failedSignInAddresses(server, email)).to.deep.equal(['203.0.113.9']);
    });

    it('reads from the right: what the client wrote left of the proxy\'s entry is ignored', async () => {
      const email = 'nobody-3@example.com';
      // The proxy at 127.0.0.1 received the request from 127.0.0.1 too (trusted), which received it from 192.0.2.44.
      await failSignIn(server, server.url, new Browser({ 'x-forwarded-for': '10.9.9.9, 192.0.2.44, 127.0.0.1' }), email);
      expect(await failedSignInAddresses(server, email)).to.deep.equal(['192.0.2.44']);
    });

    it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
      const email = 'nobody-4@example.com';
      await failSignIn(server, server.url, new Browser({ 'x-forwarded-for': '203.0.113.9' }, '127.0.0.2'), email);
      expect(await failedSignInAddresses(server, email)).to.deep.equal(['127.0.0.2']);
    });
  });

  describe('Debian nginx in front, with deploy/nginx/fedmeta-proxy.conf', () => {
    let server: TestServer;
    let nginx: RunningNginx;
    before(async function () {
      if (!NGINX) skipBecause(this, 'nginx is not installed (Debian package nginx-light)');
      server = await startTestServer({ env: { FEDMETA_TRUST_PROXY: '127.0.0.1' } });
      const snippet = resolve('deploy/nginx/fedmeta-proxy.conf');
      nginx = await startNginx((port) => `  upstream fedmeta { server 127.0.0.1:${server.port}; keepalive 4; }\n  server {\n    listen 127.0.0.1:${port};\n    include ${snippet};\n  }`);
    });
    after(async () => {
      await nginx?.stop();
      await server?.destroy();
    });

    it('serves the published documents through the proxy byte for byte', async () => {
      for (const path of ['/samlp/metadata', '/.well-known/jwks.json']) {
        const direct = await (await fetch(`${server.url}${path}`)).text();
        const proxied = await fetch(`${nginx.url}${path}`);
        expect(proxied.status, path).to.equal(200);
        expect(await proxied.text(), path).to.equal(direct);
      }
    });

    it('audits the real client address, whatever X-Forwarded-For the client forges', async () => {
      const email = 'nobody-5@example.com';
      await failSignIn(server, nginx.url, new Browser({ 'x-forwarded-for': '203.0.113.9' }, '127.0.0.5'), email);
      await failSignIn(server, nginx.url, new Browser({}, '127.0.0.6'), email);
      expect((await failedSignInAddresses(server, email)).sort()).to.deep.equal(['127.0.0.5', '127.0.0.6']);
    });

    it('throttles per real client: forged headers through the proxy do not reset the count, another client is not affected', async () => {
      const victim = await server.services.users.create({ email: 'victim-2@example.com', password: PASSWORD }, SYSTEM);
      let status = 0;
      for (let i = 0; i <= ACCOUNT_IP_POLICY.burst; i++) {
        status = (await failSignIn(server, nginx.url, new Browser({ 'x-forwarded-for': `198.51.100.${i + 1}` }, '127.0.0.7'), victim.email)).status;
      }
      expect(status, 'past the burst from 127.0.0.7').to.equal(429);
      expect((await failSignIn(server, nginx.url, new Browser({}, '127.0.0.8'), victim.email)).status, 'another client').to.equal(401);
    });
  });
});
