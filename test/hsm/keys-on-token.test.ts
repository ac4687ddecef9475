// Keys generated, rotated, revoked and renewed inside a SoftHSM2 token (FEDMETA_KEY_BACKEND=pkcs11):
// what the token holds (pkcs11-tool and the PKCS#11 API), what the store holds (no private key), and
// where the CLI, the Management API and the dashboard say each key lives.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { ALL_KEY_SCOPES, captureIo, managementClient, startTestServer, testBackend, type ManagementCall, type TestServer } from '../helpers/server.js';
import { Browser } from '../helpers/browser.js';
import { createToken, pkcs11Tool, privateKeyObjects, requireSoftHsm, SOFTHSM_MODULE, type SoftHsmToken } from '../helpers/softhsm.js';
import { runCommand } from '../../src/cli/main.js';
import { TokenSession } from '../../src/keys/pkcs11/token-session.js';
import { findTokenKey } from '../../src/keys/pkcs11/token-keys.js';
import type { KeyObject } from '../../src/keys/key-object.js';

interface LogEntry {
  event: string;
  details: Record<string, unknown>;
}

describe('PKCS#11: keys inside a SoftHSM2 token', function () {
  let token: SoftHsmToken;
  let api: ManagementCall;
  let server: TestServer;
  const location = () => `pkcs11:${token.label}`;
  const keyList = async () => (await (await api('/api/v2/keys/signing')).json()) as KeyObject[];
  const labels = () => privateKeyObjects(token).map((object) => object.label);

  before(async function () {
    requireSoftHsm(this);
    token = createToken('fedmeta-keys');
    server = await startTestServer({ env: { ...token.env, FEDMETA_ROTATION_RATE_BURST: '20' } });
    api = await managementClient(server, ALL_KEY_SCOPES);
  });
  after(async () => {
    await server?.destroy();
    token?.remove();
  });

  it('first start: current, next and metadata-signing keys are generated in the token, sensitive and never extractable, labelled by kid', async () => {
    const keys = await keyList();
    expect(keys.map((key) => key.key_location)).to.deep.equal([location(), location()]);
    const metadataSigner = (await server.services.store.activeMetadataSigner())!;
    expect(metadataSigner.location).to.equal(location());
    const objects = privateKeyObjects(token);
    expect(objects.map((object) => object.label).sort()).to.deep.equal([...keys.map((key) => key.kid), metadataSigner.kid].sort());
    for (const object of objects) {
      expect(object.access.split(', ')).to.include.members(['sensitive', 'always sensitive', 'never extractable', 'local']);
      expect(object.usage).to.equal('sign');
      expect(Buffer.from(object.id, 'hex').toString('utf8')).to.equal(object.label);
    }
  });

  it('the PKCS#11 API reports CKA_SENSITIVE=true, CKA_EXTRACTABLE=false, refuses the private exponent; pkcs11-tool reads nothing', () => {
    const current = server.services.keyring.snapshot.currentKid;
    const session = new TokenSession({ module: SOFTHSM_MODULE, token: token.label, pin: token.pin, pinVariable: 'FEDMETA_PKCS11_PIN' });
    try {
      const handle = findTokenKey(session, current)!;
      expect(handle).to.be.instanceOf(Buffer);
      const [sensitive, extractable, neverExtractable, onToken] = session.run((s) =>
        session.module.C_GetAttributeValue(s, handle, [
          { type: pkcs11js.CKA_SENSITIVE },
          { type: pkcs11js.CKA_EXTRACTABLE },
          { type: pkcs11js.CKA_NEVER_EXTRACTABLE },
          { type: pkcs11js.CKA_TOKEN },
        ]),
      );
      expect([sensitive, extractable, neverExtractable, onToken].map((attribute) => (attribute!.value as Buffer)[0])).to.deep.equal([1, 0, 1, 1]);
      for (const secret of [pkcs11js.CKA_PRIVATE_EXPONENT, pkcs11js.CKA_PRIME_1, pkcs11js.CKA_PRIME_2, pkcs11js.CKA_COEFFICIENT]) {
        expect(() => session.run((s) => session.module.C_GetAttributeValue(s, handle, [{ type: secret }]))).to.throw(/CKR_ATTRIBUTE_SENSITIVE/);
      }
    } finally {
      session.close();
    }
    const read = pkcs11Tool(token, '--read-object', '--type', 'privkey', '--label', current, '--output-file', join(token.dir, 'stolen.der'));
    expect(read.output).to.match(/not \(yet\) supported|sensitive|CKR_/i);
    expect(readdirSync(token.dir)).not.to.include('stolen.der');
  });

  it('the store holds no private key: key rows carry the location and no sealed value', async function () {
    for (const record of [...(await server.services.store.listKeys()), (await server.services.store.activeMetadataSigner())!]) {
      expect(record.location).to.equal(location());
      expect(record.sealedPrivateKey).to.equal(undefined);
    }
    if (testBackend() !== 'sqlite') return;
    const bytes = Buffer.concat(readdirSync(server.dir).filter((name) => name.startsWith('fedmeta.db')).map((name) => readFileSync(join(server.dir, name))));
    expect(bytes.includes('PRIVATE KEY')).to.equal(false);
    expect(/fmk1\.[\w-]{16}/.test(bytes.toString('latin1')), 'a sealed value').to.equal(false);
  });

  it('certificates are signed by the token key (sha256WithRSA over the key pair they certify), renewal too', async () => {
    for (const key of await keyList()) {
      const cert = new X509Certificate(key.cert);
      expect(cert.verify(cert.publicKey)).to.equal(true);
    }
    const next = (await keyList()).find((key) => key.next)!;
    const renewed = await api(`/api/v2/keys/signing/${next.kid}/renew`, { method: 'POST', json: { days: 30 } });
    expect(renewed.status, await renewed.clone().text()).to.be.oneOf([200, 201]);
    const after = (await keyList()).find((key) => key.kid === next.kid)!;
    expect(after.cert).not.to.equal(next.cert);
    const cert = new X509Certificate(after.cert);
    expect(cert.verify(cert.publicKey)).to.equal(true);
    expect(cert.publicKey.export({ format: 'jwk' })).to.deep.equal(new X509Certificate(next.cert).publicKey.export({ format: 'jwk' }));
  });

  it('rotate creates the next key in the token; revoke destroys the revoked key there (audited); emergency rotation too', async () => {
    const before = await keyList();
    const rotated = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(rotated.status).to.equal(201);
    const afterRotation = await keyList();
    const fresh = afterRotation.find((key) => key.next)!;
    expect(fresh.key_location).to.equal(location());
    expect(before.map((key) => key.kid)).not.to.include(fresh.kid);
    expect(labels()).to.include(fresh.kid);

    const previous = afterRotation.find((key) => key.previous)!;
    const revoked = await api(`/api/v2/keys/signing/${previous.kid}/revoke?force=true`, { method: 'PUT' });
    expect(revoked.status).to.equal(200);
    expect(labels()).not.to.include(previous.kid);

    const current = afterRotation.find((key) => key.current)!;
    const emergency = await api('/api/v2/keys/signing/rotate?revoke_previous=true', { method: 'POST' });
    expect(emergency.status).to.equal(201);
    expect(labels()).not.to.include(current.kid);
    const final = await keyList();
    expect(final.find((key) => key.current)!.kid).to.equal(fresh.kid);
    expect(labels()).to.include.members(final.filter((key) => !key.revoked).map((key) => key.kid));

    const logs = (await (await api('/api/v2/logs')).json()) as LogEntry[];
    const destroyed = logs.filter((entry) => entry.event === 'key_destroyed').map((entry) => entry.details);
    expect(destroyed).to.deep.include.members([
      { kid: previous.kid, location: location(), outcome: 'destroyed' },
      { kid: current.kid, location: location(), outcome: 'destroyed' },
    ]);
  });

  it('fedmeta keys list and the Signing Keys page show where each key lives (the metadata-signing key too)', async () => {
    const io = captureIo();
    await runCommand(['keys', 'list'], server.services, io);
    const [header, ...rows] = io.stdout().trim().split('\n');
    expect(header).to.match(/\bLOCATION\b/);
    for (const key of await keyList()) expect(rows.find((row) => row.includes(key.kid))).to.include(location());

    await server.services.users.create({ email: 'admin@example.com', password: 'correct horse battery', admin: true }, { type: 'system', id: 'test' });
    const browser = new Browser();
    const login = await browser.request(`${server.url}/login`);
    await browser.submit(login, { username: 'admin@example.com', password: 'correct horse battery' });
    const page = await browser.follow(`${server.url}/dashboard/signing-keys`);
    expect(page.status).to.equal(200);
    const current = server.services.keyring.snapshot.currentKid;
    const row = new RegExp(`<tr data-kid="${current}"[\\s\\S]*?</tr>`).exec(page.body)![0];
    expect(row).to.include(`<code>${location()}</code>`);
    expect(page.body).to.include(`<code class="metadata-signer-location">${location()}</code>`);
  });

  it('FEDMETA_PKCS11_KEEP_REVOKED=true keeps a revoked key in the token', async () => {
    const keeping = await startTestServer({ env: { ...token.env, FEDMETA_PKCS11_KEEP_REVOKED: 'true' } });
    try {
      const { key } = await keeping.services.keys.rotate({ actor: { type: 'system', id: 'test' }, rateLimited: false });
      const previous = (await keeping.services.keys.list()).find((record) => record.state === 'previous')!;
      await keeping.services.keys.revoke(previous.kid, { actor: { type: 'system', id: 'test' }, rateLimited: false, force: true });
      expect(labels()).to.include.members([previous.kid, key.kid]);
    } finally {
      await keeping.destroy();
    }
  });

});
