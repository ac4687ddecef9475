// The dedicated metadata-signing key (issue 11 section 3), over real HTTP on SQLite and, in the
// PostgreSQL pass, PostgreSQL: a relying party that pins /metadata-signer.pem keeps verifying SAML and
// WS-Fed metadata across token-key rotations; the key is never published as a token-signing key;
// a key that does not open fails closed; existing stores get one at their first start.
import { expect } from 'chai';
import { X509Certificate } from 'node:crypto';
import { startWithToken, startTestServer, tempDir, type TestServer } from '../helpers/server.js';
import { requireTool, xmlsecVerify } from '../helpers/xml-tools.js';
import { setSealedPrivateKey } from '../helpers/store-rows.js';
import { publishedMetadataSigner } from '../helpers/metadata-signer.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open.js';
import { KeyService } from '../../src/keys/service.js';
import { KeyVault } from '../../src/keys/key-vault.js';
import { systemClock } from '../../src/clock.js';
import { testEnv, TEST_KEK } from '../helpers/server.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const WSFED = '/wsfed/FederationMetadata/2007-06/FederationMetadata.xml';
const SYSTEM = { type: 'system', id: 'test' } as const;

const certBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s/g, '');

describe('metadata-signing key (/metadata-signer.pem, FEDMETA_METADATA_SIGNER)', () => {
  const servers: TestServer[] = [];
  after(async () => Promise.all(servers.map((server) => server.destroy())));

  async function start(options: Parameters<typeof startWithToken>[0] = {}) {
    const started = await startWithToken({ ...options, env: { FEDMETA_ROTATION_RATE_BURST: '20', ...options.env } });
    servers.push(started.server);
    const get = (path: string) => fetch(`${started.server.url}${path}`);
    return { ...started, get };
  }

  it('serves its certificate as PEM and DER; it is neither in the JWKS nor a token-signing KeyDescriptor nor a /pem?kid= key', async () => {
    const { server, get } = await start();
    const pem = await get('/metadata-signer.pem');
    expect(pem.status).to.equal(200);
    expect(pem.headers.get('content-type')).to.match(/^application\/x-pem-file/);
    expect(pem.headers.get('etag')).to.match(/^"/);
    const pemText = await pem.text();
    const der = Buffer.from(await (await get('/metadata-signer.cer')).arrayBuffer());
    expect(der.equals(Buffer.from(certBody(pemText), 'base64'))).to.equal(true);
    const certificate = new X509Certificate(pemText);
    expect(certificate.subject).to.include(`CN=${server.config.issuerHost}`);
    expect(new Date(certificate.validTo).getTime()).to.be.greaterThan(Date.now() + 7000 * 86_400_000);
    const jwks = (await (await get('/.well-known/jwks.json')).json()) as { keys: { x5c: string[] }[] };
    expect(jwks.keys.map((key) => key.x5c[0])).not.to.include(certBody(pemText));
    for (const path of ['/samlp/metadata', WSFED]) {
      const xml = await (await get(path)).text();
      const descriptors = xml.split('<ds:Signature')[0]! + xml.split('</ds:Signature>')[1]!;
      expect(descriptors, path).not.to.include(certBody(pemText));
    }
    const { kid } = await publishedMetadataSigner(server);
    expect((await get(`/pem?kid=${encodeURIComponent(kid)}`)).status).to.equal(404);
  });

  it('SAML and WS-Fed metadata verify with xmlsec1 against the pinned /metadata-signer.pem before and after two rotations', async function () {
    requireTool(this, 'xmlsec1');
    const { api, get, server } = await start();
    const pinned = await (await get('/metadata-signer.pem')).text();
    for (let round = 0; round < 3; round += 1) {
      for (const path of ['/samlp/metadata', WSFED]) {
        const xml = await (await get(path)).text();
        const verified = xmlsecVerify(xml, pinned, `${MD}:EntityDescriptor`);
        expect(verified.ok, `${path} after ${round} rotations: ${verified.output}`).to.equal(true);
        expect(xmlsecVerify(xml, (await currentKeyFromApi(server)).pem, `${MD}:EntityDescriptor`).ok).to.equal(false);
      }
      if (round < 2) expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    }
    expect(await (await get('/metadata-signer.pem')).text()).to.equal(pinned);
  });

  it('metadata-signer rotate replaces it (audited): metadata verifies with the new certificate only', async function () {
    requireTool(this, 'xmlsec1');
    const { server, get } = await start();
    const before = await (await get('/metadata-signer.pem')).text();
    const { previous, current } = await server.services.metadataSigner.rotate(SYSTEM);
    expect(previous).to.be.a('string');
    const after = await (await get('/metadata-signer.pem')).text();
    expect(after).not.to.equal(before);
    expect(certBody(after)).to.equal(certBody(current.certPem));
    const xml = await (await get('/samlp/metadata')).text();
    expect(xmlsecVerify(xml, after, `${MD}:EntityDescriptor`).ok).to.equal(true);
    expect(xmlsecVerify(xml, before, `${MD}:EntityDescriptor`).ok).to.equal(false);
    const [entry] = await server.services.store.queryAudit({ limit: 1 });
    expect(entry).to.deep.include({ event: 'metadata_signer_rotated' });
    expect(entry!.details).to.deep.include({ kid: current.kid, previous });
  });

  it('FEDMETA_METADATA_SIGNER=current signs metadata with the current token key, and /metadata-signer.pem is that key', async function () {
    requireTool(this, 'xmlsec1');
    const { get, server } = await start({ env: { FEDMETA_METADATA_SIGNER: 'current' } });
    const currentPem = (await currentKeyFromApi(server)).pem;
    expect(certBody(await (await get('/metadata-signer.pem')).text())).to.equal(certBody(currentPem));
    const xml = await (await get('/samlp/metadata')).text();
    expect(xmlsecVerify(xml, currentPem, `${MD}:EntityDescriptor`).ok).to.equal(true);
  });

  it('fails closed: a metadata-signing key that does not open answers 503 key_unavailable for metadata, never signing with another key', async () => {
    const first = await start();
    // The row to damage, straight from the store (no request: the next server may reuse the port).
    const { kid } = (await first.server.services.store.activeMetadataSigner())!;
    await first.server.close();
    servers.splice(servers.indexOf(first.server), 1);
    await setSealedPrivateKey(first.server.config, kid, 'fmk1.garbage', 'metadata_signing_keys');
    const restarted = await startTestServer({ dir: first.server.dir, env: first.server.env });
    servers.push(restarted);
    for (const path of ['/samlp/metadata', WSFED]) {
      const response = await fetch(`${restarted.url}${path}`);
      expect(response.status, path).to.equal(503);
      expect(((await response.json()) as { errorCode: string }).errorCode).to.equal('key_unavailable');
    }
    expect((await fetch(`${restarted.url}/metadata-signer.pem`)).status, 'the certificate is public').to.equal(200);
    expect((await fetch(`${restarted.url}/.well-known/jwks.json`)).status).to.equal(200);
  });

  it('an existing store without one gets one at its first start after the upgrade (audited)', async () => {
    const dir = tempDir();
    const config = loadConfig(testEnv(dir), dir);
    // A store as it was before the metadata signer: keys only.
    const store = await openStore(config);
    await store.migrate();
    await new KeyService({ config, store, vault: new KeyVault(Buffer.from(TEST_KEK, 'base64url'), undefined, 'sealed'), clock: systemClock }).ensureInitialKeys(SYSTEM);
    expect(await store.activeMetadataSigner()).to.equal(undefined);
    await store.close();
    const server = await startTestServer({ dir });
    servers.push(server);
    const active = await server.services.store.activeMetadataSigner();
    expect(active?.kid).to.be.a('string');
    expect((await fetch(`${server.url}/samlp/metadata`)).status).to.equal(200);
    const audit = await server.services.store.queryAudit({ limit: 10 });
    expect(audit.map((entry) => entry.event)).to.include('metadata_signer_created');
  });
});
