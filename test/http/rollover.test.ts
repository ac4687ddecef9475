// Rollover readiness on a real server (SQLite, or PostgreSQL with FEDMETA_TEST_DATABASE=postgres).
import { expect } from 'chai';
import { managementClient, startTestServer, type ManagementCall, type TestServer } from '../helpers/server.js';
import type { Application } from '../../src/clients/types.js';
import type { RolloverReport } from '../../src/rollover/report.js';

const SCOPES = 'read:signing_keys create:signing_keys update:signing_keys read:logs';
const SYSTEM = { type: 'system' as const, id: 'test' };

/** A clock the test moves by hand. */
function pinnedClock(start = Date.now()) {
  let at = start;
  return { now: () => new Date(at), advance: (ms: number) => void (at += ms) };
}

async function samlApp(server: TestServer, name: string, certificateDelivery?: 'manual'): Promise<Application> {
  const samlp = { audience: `urn:test:${name}`, ...(certificateDelivery ? { certificateDelivery } : {}) };
  return server.services.clients.create({ name, callbacks: [`http://127.0.0.1/${name}/acs`], addons: { samlp } }, SYSTEM);
}

describe('rollover readiness', () => {
  let server: TestServer | undefined;
  let api: ManagementCall;
  afterEach(async () => server?.destroy());

  const fetchMetadata = (app: Application) => fetch(`${server!.url}/samlp/metadata/${app.clientId}`, { headers: { 'user-agent': `sp-${app.name}` } });
  const report = async () => (await (await api('/api/v2/keys/signing/rollover')).json()) as RolloverReport;
  const stateOf = (body: RolloverReport, app: Application) => body.applications.find((a) => a.client_id === app.clientId)?.state;

  async function start(env: Record<string, string> = {}, clock = pinnedClock()) {
    server = await startTestServer({ env: { FEDMETA_ROTATION_RATE_BURST: '20', ...env }, clock });
    api = await managementClient(server, SCOPES);
    return clock;
  }

  it('two applications: the one that fetched its metadata after the rotation is ready, the other stale; acknowledge makes a manual one ready', async () => {
    await start();
    const [fresh, stale, manual, silent] = [await samlApp(server!, 'fresh'), await samlApp(server!, 'stale'), await samlApp(server!, 'manual', 'manual'), await samlApp(server!, 'silent')];
    for (const app of [fresh, stale]) expect((await fetchMetadata(app)).status).to.equal(200);
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    expect((await fetchMetadata(fresh)).status).to.equal(200);

    const body = await report();
    const next = server!.services.keyring.snapshot.keys.find((k) => k.state === 'next')!;
    expect(body.next?.kid).to.equal(next.kid);
    expect(stateOf(body, fresh)).to.equal('ready');
    expect(stateOf(body, stale)).to.equal('stale');
    expect(stateOf(body, manual)).to.equal('stale');
    expect(stateOf(body, silent)).to.equal('unknown');
    expect(body.ready).to.equal(false);
    const freshRow = body.applications.find((a) => a.client_id === fresh.clientId)!;
    expect(freshRow.kids).to.include(next.kid);
    expect(freshRow.certificate_delivery).to.equal('metadata');
    expect(freshRow.metadata_urls).to.deep.equal([`${server!.config.issuer}/samlp/metadata/${fresh.clientId}`]);

    const refused = await api('/api/v2/keys/signing/rollover/acknowledge', { method: 'POST', json: { client_id: stale.clientId, kid: next.kid } });
    expect(refused.status, 'only manual-delivery applications are acknowledged').to.equal(400);
    const wrongKid = await api('/api/v2/keys/signing/rollover/acknowledge', { method: 'POST', json: { client_id: manual.clientId, kid: server!.services.keyring.snapshot.currentKid } });
    expect(((await wrongKid.json()) as { errorCode: string }).errorCode).to.equal('key_state_conflict');
    const ack = await api('/api/v2/keys/signing/rollover/acknowledge', { method: 'POST', json: { client_id: manual.clientId, kid: next.kid } });
    expect(ack.status).to.equal(200);
    expect(stateOf(await report(), manual)).to.equal('acknowledged');
    const logs = (await (await api('/api/v2/logs')).json()) as { event: string; details: Record<string, unknown> }[];
    expect(logs.find((entry) => entry.event === 'rollover_acknowledged')?.details).to.deep.equal({ client_id: manual.clientId, kid: next.kid });

    expect((await fetchMetadata(stale)).status).to.equal(200);
    const after = await report();
    expect(stateOf(after, stale)).to.equal('ready');
    expect(after.ready, 'no stale application, every recent consumer holds the next key').to.equal(true);
  });

  it('rotate answers warnings; strict mode refuses with 409 rollover_not_ready and force=true overrides (audited as forced)', async () => {
    await start({ FEDMETA_ROTATION_REQUIRE_READY: 'true' });
    const stale = await samlApp(server!, 'stale');
    expect((await fetchMetadata(stale)).status).to.equal(200);
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status, 'ready before the first rotation').to.equal(201);

    const keysBefore = await server!.services.store.listKeys();
    const refused = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(refused.status).to.equal(409);
    const refusal = (await refused.json()) as { errorCode: string; warnings: { code: string; client_id: string; metadata_urls: string[] }[] };
    expect(refusal.errorCode).to.equal('rollover_not_ready');
    expect(refusal.warnings.map((w) => w.client_id)).to.deep.equal([stale.clientId]);
    expect(refusal.warnings[0]!.metadata_urls[0]).to.equal(`${server!.config.issuer}/samlp/metadata/${stale.clientId}`);
    expect(await server!.services.store.listKeys()).to.deep.equal(keysBefore);

    const forced = await api('/api/v2/keys/signing/rotate?force=true', { method: 'POST' });
    expect(forced.status).to.equal(201);
    const answer = (await forced.json()) as { kid: string; warnings: { code: string; client_id: string }[] };
    expect(answer.warnings.map((w) => [w.code, w.client_id])).to.deep.equal([['application_not_ready', stale.clientId]]);
    const logs = (await (await api('/api/v2/logs')).json()) as { event: string; details: Record<string, unknown> }[];
    expect(logs.find((entry) => entry.event === 'key_rotated')?.details).to.deep.include({ current: answer.kid, forced: true });
  });

  it('while the next key is younger than the metadata cache duration, metadata and JWKS are cached for less', async () => {
    const clock = await start({ FEDMETA_METADATA_CACHE_SECONDS: '3600', FEDMETA_YOUNG_KEY_CACHE_SECONDS: '120' });
    const jwksMaxAge = async () => (await fetch(`${server!.url}/.well-known/jwks.json`)).headers.get('cache-control');
    const metadataCache = async () => {
      const xml = await (await fetch(`${server!.url}/samlp/metadata`)).text();
      return /cacheDuration="([^"]+)"/.exec(xml)?.[1];
    };
    expect(await jwksMaxAge(), 'a first start is not a rotation').to.equal('public, max-age=3600');
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    expect(await jwksMaxAge()).to.equal('public, max-age=120');
    expect(await metadataCache()).to.equal('PT120S');
    const wsfed = await fetch(`${server!.url}/wsfed/FederationMetadata/2007-06/FederationMetadata.xml`);
    expect(wsfed.headers.get('cache-control')).to.equal('public, max-age=120');
    clock.advance(3601_000);
    expect(await jwksMaxAge()).to.equal('public, max-age=3600');
    expect(await metadataCache()).to.equal('PT3600S');
  });

  it('a JWKS fetch storm produces a bounded number of store writes', async () => {
    await start({ FEDMETA_SIGHTING_FLUSH_SECONDS: '1' });
    const sightings = server!.services.store;
    const writes = { calls: 0, rows: 0 };
    const save = sightings.saveSightings.bind(sightings);
    sightings.saveSightings = async (batch) => {
      writes.calls += 1;
      writes.rows += batch.length;
      return save(batch);
    };
    const agents = ['jose/5', 'okta-jwks', 'curl/8'];
    const started = Date.now();
    const fetches = 1500;
    for (let wave = 0; wave < fetches / 50; wave += 1) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => fetch(`${server!.url}/.well-known/jwks.json`, { headers: { 'user-agent': agents[i % agents.length]! } }).then((r) => r.arrayBuffer())),
      );
    }
    await server!.services.sightings.flush();
    const seconds = (Date.now() - started) / 1000;
    console.log(`      JWKS storm: ${fetches} fetches by ${agents.length} consumers in ${seconds.toFixed(1)} s → ${writes.calls} store writes, ${writes.rows} rows`);
    expect(writes.calls, 'at most one write per flush interval (plus the final flush)').to.be.at.most(Math.ceil(seconds) + 2);
    expect(writes.rows).to.be.at.most(writes.calls * agents.length);
    const body = await report();
    expect(body.consumers.filter((c) => c.document === 'jwks').map((c) => c.user_agent).sort()).to.deep.equal([...agents].sort());
    expect(body.consumers.every((c) => c.holds_next)).to.equal(true);
  });
});
