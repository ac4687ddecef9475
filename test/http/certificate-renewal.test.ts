// Issue 12, section 2: renewal issues a new certificate over the same key pair (same kid, new x5c,
// x5t and fingerprint; checked with openssl), shown at once by the JWKS, metadata and downloads; an
// expiring certificate raises warnings (/readyz stays 200, dashboard banner, server log and audit once
// a day) under a pinned clock; the scheduler renews near expiry once, however many instances run.
import { execFileSync } from 'node:child_process';
import { requireTool, usedTool } from '../helpers/tools.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { openssl } from '../helpers/openssl.js';
import { ALL_KEY_SCOPES, captureIo, managementClient, startTestServer, startWithToken, tempDir, type TestServer } from '../helpers/server.js';
import { Browser } from '../helpers/browser.js';
import { cleanupsAfterEach } from '../helpers/cleanups.js';
import { runCommand } from '../../src/cli/main.js';
import type { Clock } from '../../src/clock.js';
import { capturingLogger } from '../helpers/logs.js';
import type { KeyObject } from '../../src/keys/key-object.js';

const DAY = 86_400_000;
const PASSWORD = 'correct horse battery';

class PinnedClock implements Clock {
  constructor(private at: number) {}
  now = () => new Date(this.at);
  advance(ms: number) {
    this.at += ms;
  }
}

const publicKeyOf = (pem: string) => openssl(['x509', '-noout', '-pubkey'], pem);

/** `openssl verify` of a self-signed certificate against itself: its signature checks out. */
function verifySelfSigned(pem: string): string {
  const file = join(tempDir('fedmeta-openssl-'), 'cert.pem');
  writeFileSync(file, pem);
  usedTool('openssl');
  return execFileSync('openssl', ['verify', '-check_ss_sig', '-partial_chain', '-trusted', file, file], { encoding: 'utf8' });
}
const auditTypes = async (server: TestServer, type: string) =>
  (await server.services.store.queryAudit({ limit: 200 })).filter((entry) => entry.event === type);

describe('certificate renewal (POST /api/v2/keys/signing/:kid/renew, fedmeta keys renew)', () => {
  let server: TestServer | undefined;
  before(function () {
    requireTool(this, 'openssl');
  });
  afterEach(async () => server?.destroy());

  it('keeps the kid and the key pair, changes the certificate; JWKS, downloads and metadata show it at once; audited', async () => {
    const started = await startWithToken();
    server = started.server;
    const kid = server.services.keyring.snapshot.signing.kid;
    const before = (await (await started.api(`/api/v2/keys/signing/${kid}`)).json()) as KeyObject;
    const renewed = await started.api(`/api/v2/keys/signing/${kid}/renew`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ days: 400 }) });
    expect(renewed.status).to.equal(200);
    const after = (await renewed.json()) as KeyObject;
    expect(after.kid).to.equal(kid);
    expect(after.fingerprint).to.not.equal(before.fingerprint);
    expect(after.cert).to.not.equal(before.cert);
    expect(Date.parse(after.expires_at) - Date.now()).to.be.within(399 * DAY, 401 * DAY);
    // openssl: the same public key, a valid self-signature, a new serial.
    expect(publicKeyOf(after.cert)).to.equal(publicKeyOf(before.cert));
    expect(verifySelfSigned(after.cert)).to.match(/: OK\n$/);
    expect(openssl(['x509', '-noout', '-serial'], after.cert)).to.not.equal(openssl(['x509', '-noout', '-serial'], before.cert));
    const base64 = after.cert.replace(/-----[A-Z ]+-----|\s/g, '');
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string; x5c: string[] }[] };
    expect(jwks.keys.find((key) => key.kid === kid)!.x5c).to.deep.equal([base64]);
    expect(await (await fetch(`${server.url}/pem`)).text()).to.equal(after.cert);
    expect(await (await fetch(`${server.url}/samlp/metadata`)).text()).to.include(base64);
    expect(server.services.keyring.snapshot.signing.published.certBase64).to.equal(base64);
    const [entry] = await auditTypes(server, 'key_renewed');
    expect(entry!.details).to.deep.include({ kid, state: 'current', days: 400 });
  });

  it('renews next and previous keys; a revoked key answers 409, an unknown kid 404, a bad days value 400', async () => {
    server = await startTestServer();
    const api = await managementClient(server, ALL_KEY_SCOPES);
    const renew = (kid: string, body?: unknown) => api(`/api/v2/keys/signing/${kid}/renew`, { method: 'POST', ...(body ? { json: body } : {}) });
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const keys = await server.services.keys.list();
    for (const state of ['next', 'previous'] as const) expect((await renew(keys.find((key) => key.state === state)!.kid)).status, state).to.equal(200);
    const previous = keys.find((key) => key.state === 'previous')!.kid;
    expect((await api(`/api/v2/keys/signing/${previous}/revoke?force=true`, { method: 'PUT' })).status).to.equal(200);
    const refused = await renew(previous);
    expect(refused.status).to.equal(409);
    expect(await refused.json()).to.deep.include({ errorCode: 'key_state_conflict' });
    expect((await renew('no-such-kid')).status).to.equal(404);
    expect((await renew(keys[0]!.kid, { days: 0 })).status).to.equal(400);
    expect((await renew(keys[0]!.kid, { validity: 3 })).status).to.equal(400);
  });

  it('fedmeta keys renew KID --days N prints the new fingerprint and expiry; same kid', async () => {
    server = await startTestServer();
    const kid = server.services.keyring.snapshot.signing.kid;
    const io = captureIo();
    await runCommand(['keys', 'renew', kid, '--days', '90', '--json'], server.services, io);
    const renewed = JSON.parse(io.stdout()) as KeyObject;
    expect(renewed.kid).to.equal(kid);
    expect(Date.parse(renewed.expires_at) - Date.now()).to.be.within(89 * DAY, 91 * DAY);
  });
});

describe('certificate expiry watch (pinned clock)', () => {
  const later = cleanupsAfterEach();

  it('an expiring certificate: /readyz stays 200 with warnings, a dashboard banner, a log line and an audit event once a day', async () => {
    const clock = new PinnedClock(Date.now());
    const log = capturingLogger();
    const server = await startTestServer({ clock, env: { FEDMETA_CERT_DAYS: '365', FEDMETA_CERT_AUTO_RENEW_DAYS: '0' }, logger: log });
    later(() => server.destroy());
    const ready = async () => (await (await fetch(`${server.url}/readyz`)).json()) as { status: string; warnings: { code: string; kid: string }[] };
    expect((await ready()).warnings).to.deep.equal([]);
    await server.jobs.certificates.tick(); // the start-up pass, done before time moves

    clock.advance(340 * DAY);
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).to.equal(200);
    const { warnings } = (await response.json()) as { warnings: { code: string; kid: string; expires_at: string; message: string }[] };
    const kids = (await server.services.keys.list()).map((key) => key.kid).sort();
    expect(warnings.map((warning) => warning.kid).sort()).to.deep.equal(kids);
    expect(warnings[0]!.code).to.equal('certificate_expiring');

    log.lines.length = 0;
    await server.jobs.certificates.tick();
    await server.jobs.certificates.tick();
    expect(await auditTypes(server, 'certificate_expiring')).to.have.length(2);
    clock.advance(DAY);
    await server.jobs.certificates.tick();
    expect(await auditTypes(server, 'certificate_expiring')).to.have.length(4);
    const logged = log.lines.filter((line) => line.level === 'warn').map((line) => line.message);
    expect(logged).to.have.length(4);
    expect(logged[0]).to.match(/^The certificate of the (current|next) signing key .* expires on /);

    const admin = { email: 'admin@example.com', password: PASSWORD, admin: true };
    await server.services.users.create(admin, { type: 'system', id: 'test' });
    const browser = new Browser();
    const landing = await browser.submit(await browser.request(`${server.url}/login`), { username: admin.email, password: PASSWORD });
    const page = await browser.request(`${server.url}/dashboard/signing-keys`);
    expect(page.status, landing.body).to.equal(200);
    for (const kid of kids) expect(page.body).to.include(`certificate-expiring" role="alert" data-kid="${kid}"`);
  });

  it('the scheduler renews certificates near expiry by itself, once, with two instances on one store', async () => {
    const clock = new PinnedClock(Date.now());
    const env = { FEDMETA_CERT_DAYS: '365', FEDMETA_CERT_AUTO_RENEW_DAYS: '30' };
    const first = await startTestServer({ clock, env });
    later(() => first.destroy());
    const second = await startTestServer({ clock, env, dir: first.dir });
    later(() => second.close());
    const before = await first.services.keys.list();
    await Promise.all([first.jobs.certificates.tick(), second.jobs.certificates.tick()]); // the start-up passes
    clock.advance(340 * DAY);
    await Promise.all([first.jobs.certificates.tick(), second.jobs.certificates.tick()]);
    const renewals = await auditTypes(first, 'key_renewed');
    expect(renewals).to.have.length(before.length);
    expect(renewals.every((entry) => entry.actor.type === 'system' && entry.actor.id === 'scheduler')).to.equal(true);
    const after = await first.services.keys.list();
    expect(after.map((key) => key.kid)).to.deep.equal(before.map((key) => key.kid));
    for (const key of after) expect(key.certPem).to.not.equal(before.find((old) => old.kid === key.kid)!.certPem);
    expect(((await (await fetch(`${second.url}/readyz`)).json()) as { warnings: unknown[] }).warnings).to.deep.equal([]);
    await Promise.all([first.jobs.certificates.tick(), second.jobs.certificates.tick()]);
    expect(await auditTypes(first, 'key_renewed')).to.have.length(before.length);
  });
});
