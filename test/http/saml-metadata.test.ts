import { expect } from 'chai';
import { DOMParser } from '@xmldom/xmldom';
import { startWithToken, getToken, addApiClient, type TestServer } from '../helpers/server.js';
import { METADATA_SCHEMA, requireTool, xmllintValidate, xmlsecVerify } from '../helpers/xml-tools.js';
import { currentKeyFromApi, publishedPem } from '../helpers/current-key.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

function keyDescriptorKids(xml: string): string[] {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  return Array.from(doc.getElementsByTagNameNS(MD, 'KeyDescriptor')).map(
    (descriptor) => descriptor.getElementsByTagNameNS(DS, 'KeyName')[0]!.textContent!,
  );
}

describe('SAML IdP metadata (/samlp/metadata, /samlp/metadata/:client_id)', () => {
  let server: TestServer;
  let api: (path: string, init?: RequestInit) => Promise<Response>;
  let clientId: string;
  const get = async (path: string) => fetch(`${server.url}${path}`);
  const currentPem = async () => (await currentKeyFromApi(server)).pem;
  const jwksKids = async () => ((await (await get('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  before(async () => {
    const started = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '20' } });
    server = started.server;
    const admin = await getToken(server, await addApiClient(server, 'create:clients read:signing_keys create:signing_keys update:signing_keys'));
    api = (path, init = {}) => fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const created = await api('/api/v2/clients', {
      method: 'POST',
      body: JSON.stringify({ name: 'SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'https://sp.example.com' } } }),
    });
    expect(created.status).to.equal(201);
    clientId = ((await created.json()) as { client_id: string }).client_id;
  });
  after(async () => server.destroy());

  for (const variant of ['IdP-wide', 'per application'] as const) {
    it(`${variant}: signed by the current key (xmlsec1), schema-valid, one signing KeyDescriptor per published key`, async function () {
      requireTool(this, 'xmlsec1');
      requireTool(this, 'xmllint');
      const path = variant === 'IdP-wide' ? '/samlp/metadata' : `/samlp/metadata/${clientId}`;
      const response = await get(path);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/samlmetadata\+xml/);
      const xml = await response.text();
      const verified = xmlsecVerify(xml, await currentPem(), `${MD}:EntityDescriptor`);
      expect(verified.ok, verified.output).to.equal(true);
      const valid = xmllintValidate(xml, METADATA_SCHEMA);
      expect(valid.ok, valid.output).to.equal(true);
      expect(keyDescriptorKids(xml)).to.deep.equal(await jwksKids());
      const doc = new DOMParser().parseFromString(xml, 'text/xml');
      const root = doc.documentElement!;
      expect(root.getAttribute('entityID')).to.equal(server.config.samlEntityId);
      expect(root.getAttribute('cacheDuration')).to.equal(`PT${server.config.metadataCacheSeconds}S`);
      expect(new Date(root.getAttribute('validUntil')!).getTime()).to.be.greaterThan(Date.now() + 86_400_000);
      const sso = Array.from(doc.getElementsByTagNameNS(MD, 'SingleSignOnService')).map((e) => [e.getAttribute('Binding'), e.getAttribute('Location')]);
      const base = variant === 'IdP-wide' ? `${server.config.issuer}/samlp` : `${server.config.issuer}/samlp/${clientId}`;
      expect(sso).to.deep.equal([
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', base],
        ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', base],
      ]);
      const slo = Array.from(doc.getElementsByTagNameNS(MD, 'SingleLogoutService')).map((e) => e.getAttribute('Location'));
      expect(slo).to.deep.equal([`${base}/logout`, `${base}/logout`]);
      expect(Array.from(doc.getElementsByTagNameNS(MD, 'NameIDFormat')).length).to.be.greaterThan(0);
    });
  }

  it('is built once per key-set version: same bytes and ETag, 304 on If-None-Match', async () => {
    const first = await get('/samlp/metadata');
    const second = await get('/samlp/metadata');
    expect(await first.text()).to.equal(await second.text());
    const etag = first.headers.get('etag')!;
    expect(second.headers.get('etag')).to.equal(etag);
    const conditional = await fetch(`${server.url}/samlp/metadata`, { headers: { 'if-none-match': etag } });
    expect(conditional.status).to.equal(304);
  });

  it('follows rotation and revocation: new signer, next key published, revoked key gone', async function () {
    requireTool(this, 'xmlsec1');
    const before = keyDescriptorKids(await (await get('/samlp/metadata')).text());
    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const rotatedXml = await (await get(`/samlp/metadata/${clientId}`)).text();
    const rotated = keyDescriptorKids(rotatedXml);
    expect(rotated).to.have.length(3);
    expect(rotated[0]).to.equal(before[1]);
    expect(rotated[2]).to.equal(before[0]);
    expect(xmlsecVerify(rotatedXml, await currentPem(), `${MD}:EntityDescriptor`).ok).to.equal(true);
    // The old key no longer verifies the metadata signature.
    const oldPem = await publishedPem(server, before[0]!);
    expect(xmlsecVerify(rotatedXml, oldPem, `${MD}:EntityDescriptor`).ok).to.equal(false);
    expect((await api(`/api/v2/keys/signing/${before[0]}/revoke`, { method: 'PUT' })).status).to.equal(200);
    expect(keyDescriptorKids(await (await get('/samlp/metadata')).text())).to.deep.equal(rotated.slice(0, 2));
  });

  it('unknown applications are 404', async () => {
    const response = await get('/samlp/metadata/no-such-client');
    expect(response.status).to.equal(404);
    expect(((await response.json()) as { errorCode: string }).errorCode).to.equal('not_found');
  });
});
