// GET /api/v2/openapi.json: public and cacheable; it documents exactly the Management API routes the
// router binds (and /oauth/token), and each operation's documented scopes are the ones enforced.
// (Every answer of the test suite is validated against the document by test/helpers/openapi-hooks.ts.)
import { expect } from 'chai';
import type Router from '@koa/router';
import { startTestServer, addApiClient, type TestServer } from '../helpers/server.js';
import { accessTokenClaims, forgeAccessToken } from '../helpers/tokens.js';
import { buildRouter } from '../../src/routes.js';
import { BrowserCsrf } from '../../src/http/csrf.js';
import { PageRenderer } from '../../src/http/render.js';
import { buildOpenApi, openApiPath } from '../../src/api/openapi.js';
import { ROUTE_PATHS, type RouteName } from '../../src/route-paths.js';
import { createServer, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { drainViolations } from '../helpers/openapi-hooks.js';

type Json = Record<string, any>;

/** The documented surface: the Management API's routes and the token endpoint. */
const isDocumentedRoute = (name: string) => name.startsWith('api-') || name === 'oauth-token';

describe('OpenAPI document at /api/v2/openapi.json', () => {
  let server: TestServer;
  let document: Json;

  before(async () => {
    server = await startTestServer();
    document = (await (await fetch(`${server.url}/api/v2/openapi.json`)).json()) as Json;
  });
  after(async () => server.destroy());

  it('is served without authentication, as built from the configuration, with ETag, 304, HEAD and Cache-Control', async () => {
    const response = await fetch(`${server.url}/api/v2/openapi.json`);
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).to.equal(`public, max-age=${server.config.metadataCacheSeconds}`);
    expect(await response.json()).to.deep.equal(JSON.parse(JSON.stringify(buildOpenApi(server.config))));
    expect(document.servers).to.deep.equal([{ url: server.config.issuer }]);
    expect(document.components.securitySchemes.managementApi.flows.clientCredentials.tokenUrl).to.equal(`${server.config.issuer}/oauth/token`);
    const etag = response.headers.get('etag')!;
    expect(etag).to.match(/^"[\w-]+"$/);
    const again = await fetch(`${server.url}/api/v2/openapi.json`, { headers: { 'if-none-match': etag } });
    expect(again.status).to.equal(304);
    const head = await fetch(`${server.url}/api/v2/openapi.json`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.headers.get('etag')).to.equal(etag);
  });

  it('documents every Management API route the router binds, with the same methods, and nothing else', () => {
    const router: Router = buildRouter({ ...server.services, csrf: new BrowserCsrf(server.services.kek, server.config, server.services.ids), renderer: new PageRenderer() });
    const bound = new Set<string>();
    for (const layer of router.stack) {
      const name = layer.name as RouteName | undefined;
      if (!name || !isDocumentedRoute(name)) continue;
      for (const method of layer.methods.filter((m) => m !== 'HEAD')) bound.add(`${method.toLowerCase()} ${openApiPath(ROUTE_PATHS[name])}`);
    }
    const documented = Object.entries(document.paths as Json).flatMap(([path, methods]) => Object.keys(methods as Json).map((method) => `${method} ${path}`));
    expect(bound.size).to.be.greaterThan(25);
    expect([...bound].sort()).to.deep.equal(documented.sort());
    const apiNames = Object.keys(ROUTE_PATHS).filter(isDocumentedRoute);
    expect(Object.keys(document.paths as Json).sort()).to.deep.equal([...new Set(apiNames.map((name) => openApiPath(ROUTE_PATHS[name as RouteName])))].sort());
  });

  it("each operation's documented scopes are the ones enforced: any one missing is 403, all of them pass", async () => {
    const { client_id: clientId } = await addApiClient(server, 'read:signing_keys');
    const scopeSets = Object.values(document.components.securitySchemes.managementApi.flows.clientCredentials.scopes as Json).length;
    expect(scopeSets).to.be.greaterThan(10);
    const allScopes = Object.keys(document.components.securitySchemes.managementApi.flows.clientCredentials.scopes as Json);
    const call = async (method: string, path: string, scopes: string[]) => {
      const token = await forgeAccessToken(server, 'current', accessTokenClaims(server, clientId, scopes.join(' ')));
      const concrete = path.replace(/\{\w+\}/g, 'not-there');
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      const sendsBody = ['post', 'put', 'patch'].includes(method);
      if (sendsBody) headers['content-type'] = 'application/json';
      return fetch(`${server.url}${concrete}`, { method: method.toUpperCase(), headers, ...(sendsBody ? { body: '{}' } : {}) });
    };
    let checked = 0;
    for (const [path, methods] of Object.entries(document.paths as Json)) {
      for (const [method, operation] of Object.entries(methods as Json)) {
        const required = ((operation.security as Json[])[0]?.managementApi ?? []) as string[];
        if (required.length === 0) continue;
        for (const missing of required) {
          const refused = await call(method, path, allScopes.filter((scope) => scope !== missing));
          expect(refused.status, `${method} ${path} without ${missing}`).to.equal(403);
          expect(((await refused.json()) as Json).errorCode).to.equal('insufficient_scope');
        }
        const allowed = await call(method, path, required);
        expect(allowed.status, `${method} ${path} with ${required.join(' ')}`).to.not.be.oneOf([401, 403]);
        checked += 1;
      }
    }
    expect(checked).to.be.greaterThan(25);
  });

  it('the root hooks check answers received through fetch and through node:http', async () => {
    // A stand-in server that answers a Management API path with a body the document does not allow.
    const liar = createServer((req, res) => {
      const gzip = req.headers['accept-encoding'] === 'gzip';
      res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync('{"keys":"none"}') : '{"keys":"none"}');
    });
    await new Promise<void>((resolve) => liar.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(liar.address() as AddressInfo).port}`;
    try {
      drainViolations();
      await (await fetch(`${base}/api/v2/keys/signing`)).text();
      for (const headers of [{}, { 'accept-encoding': 'gzip' }]) {
        await new Promise<void>((resolve, reject) => request(`${base}/api/v2/keys/signing`, { headers }, (res) => res.resume().on('end', resolve)).on('error', reject).end());
      }
      await (await fetch(`${base}/not-the-api`)).text();
      const seen = drainViolations();
      expect(seen, 'fetch, node:http, node:http with a gzip body').to.have.length(3);
      for (const violation of seen) expect(violation).to.match(/^GET \/api\/v2\/keys\/signing answered 200: \(GET \/api\/v2\/keys\/signing\) \(body\) must be array/);
    } finally {
      await new Promise((resolve) => liar.close(resolve));
    }
  });
});
