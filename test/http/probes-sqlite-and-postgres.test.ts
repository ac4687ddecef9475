// /healthz (liveness) and /readyz (readiness) on both backends. The PostgreSQL outage itself
// (documents served, changes 503, reconnection) is in test/postgres/instances.test.ts.
import { expect } from 'chai';
import { join } from 'node:path';
import { startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { dropSchema, freshSchema, postgresUrl, requirePostgres } from '../helpers/postgres.js';

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`health probes on ${backend}`, () => {
    let server: TestServer;
    let schema: string | undefined;

    before(async function () {
      if (backend === 'postgres') {
        await requirePostgres(this);
        schema = freshSchema();
      }
      const dir = tempDir();
      const url = schema ? postgresUrl(schema) : `sqlite:${join(dir, 'fedmeta.db')}`;
      server = await startTestServer({ dir, env: { FEDMETA_DATABASE_URL: url } });
    });
    after(async () => {
      await server?.destroy();
      if (schema) await dropSchema(schema);
    });

    it('/healthz: the process is up; /readyz: the store answers and the key set is loaded', async () => {
      const live = await fetch(`${server.url}/healthz`);
      expect(live.status).to.equal(200);
      expect(await live.json()).to.deep.equal({ status: 'ok' });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(ready.headers.get('cache-control')).to.equal('no-store');
      const body = (await ready.json()) as { status: string; store: string; database: string; keys: { loaded: boolean; version: number; current: string } };
      expect(body).to.deep.include({ status: 'ready', store: backend, database: 'ok' });
      expect(body.keys).to.deep.equal({ loaded: true, version: server.services.keyring.snapshot.version, current: (await currentKeyFromApi(server)).kid });
      expect((await fetch(`${server.url}/readyz`, { method: 'HEAD' })).status).to.equal(200);
    });

    it('/readyz answers 503 once the store is gone, while /healthz and the published documents still answer', async () => {
      await server.services.store.close();
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(await ready.json()).to.deep.include({ status: 'not_ready', store: backend, database: 'unreachable' });
      expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
      expect((await fetch(`${server.url}/.well-known/jwks.json`)).status).to.equal(200);
    });
  });
}
