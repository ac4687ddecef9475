// WS-Fed federation metadata over real HTTP: IdP-wide and per application, signed by the current
// key, schema-checked (see test/unit/wsfed/metadata.test.ts for exactly what), served with ETag,
// 304 and HEAD, and built once per key-set version.
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { startWithToken, type TestServer } from '../helpers/server.js';
import { expectJsonError } from '../helpers/errors.js';
import { requireTool, xmllintValidate, xmlsecVerify } from '../helpers/xml-tools.js';
import { currentKeyFromApi } from '../helpers/current-key.js';
import { elements, parseXml, readFederationMetadata } from '../unit/wsfed/relying-party.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const FED_TYPES_SCHEMA = fileURLToPath(new URL('../unit/wsfed/schemas/federation-role-types-lax.xsd', import.meta.url));
const PATH = 'FederationMetadata/2007-06/FederationMetadata.xml';

describe('WS-Fed federation metadata (/wsfed/FederationMetadata/2007-06/FederationMetadata.xml)', () => {
  let server: TestServer;
  let api: (path: string, init?: RequestInit) => Promise<Response>;
  let clientId: string;
  let samlOnlyId: string;
  const get = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);
  const jwksKids = async () => ((await (await get('/.well-known/jwks.json')).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  const kidsIn = (xml: string) => {
    const sts = elements(parseXml(xml), MD, 'RoleDescriptor')[0]!;
    return elements(sts, DS, 'KeyName').map((name) => name.textContent);
  };

  before(async () => {
    const started = await startWithToken({ env: { FEDMETA_ROTATION_RATE_BURST: '20' } });
    server = started.server;
    api = started.api;
    const actor = { type: 'system' as const, id: 'test' };
    clientId = (await server.services.clients.create({ name: 'RP', callbacks: ['https://rp.example.com/signin'], addons: { wsfed: { realm: 'urn:rp:md' } } }, actor)).clientId;
    samlOnlyId = (await server.services.clients.create({ name: 'SP', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:sp:md' } } }, actor)).clientId;
  });
  after(async () => server.destroy());

  for (const variant of ['IdP-wide', 'per application'] as const) {
    it(`${variant}: signed by the current key (xmlsec1), schema-checked, a signing key per published key, the right endpoint`, async function () {
      requireTool(this, 'xmlsec1');
      requireTool(this, 'xmllint');
      const path = variant === 'IdP-wide' ? `/wsfed/${PATH}` : `/wsfed/${clientId}/${PATH}`;
      const response = await get(path);
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.match(/^application\/samlmetadata\+xml/);
      expect(response.headers.get('cache-control')).to.equal(`public, max-age=${server.config.metadataCacheSeconds}`);
      const xml = await response.text();
      const verified = xmlsecVerify(xml, (await currentKeyFromApi(server, api)).pem, `${MD}:EntityDescriptor`);
      expect(verified.ok, verified.output).to.equal(true);
      const valid = xmllintValidate(xml, FED_TYPES_SCHEMA);
      expect(valid.ok, valid.output).to.equal(true);
      expect(kidsIn(xml)).to.deep.equal(await jwksKids());
      const view = readFederationMetadata(xml);
      expect(view.entityId).to.equal(server.config.samlEntityId);
      expect(view.passiveEndpoint).to.equal(variant === 'IdP-wide' ? `${server.config.issuer}/wsfed` : `${server.config.issuer}/wsfed/${clientId}`);
      expect(view.tokenTypes).to.deep.equal(['urn:oasis:names:tc:SAML:1.0:assertion', 'urn:oasis:names:tc:SAML:2.0:assertion']);
      const root = parseXml(xml).documentElement!;
      expect(root.getAttribute('cacheDuration')).to.equal(`PT${server.config.metadataCacheSeconds}S`);
      expect(new Date(root.getAttribute('validUntil')!).getTime()).to.be.greaterThan(Date.now() + 86_400_000);
    });
  }

  it('answers 304 to If-None-Match, and HEAD with the headers and no body', async () => {
    const first = await get(`/wsfed/${PATH}`);
    const etag = first.headers.get('etag')!;
    expect(etag).to.match(/^"[\w-]+"$/);
    const again = await get(`/wsfed/${PATH}`, { headers: { 'if-none-match': etag } });
    expect(again.status).to.equal(304);
    expect(await again.text()).to.equal('');
    const head = await get(`/wsfed/${clientId}/${PATH}`, { method: 'HEAD' });
    expect(head.status).to.equal(200);
    expect(head.headers.get('etag')).to.match(/^"/);
    expect(await head.text()).to.equal('');
  });

  it('is 404 for an unknown application and for one without the wsfed addon', async () => {
    for (const id of ['nope', samlOnlyId]) {
      const response = await get(`/wsfed/${id}/${PATH}`);
      await expectJsonError(response, 404, 'not_found', id);
      expect(((await response.json()) as { errorCode: string }).errorCode).to.equal('not_found');
    }
  });

  it('is built once per key-set version: the same bytes later, new bytes listing the new key set after a rotation', async () => {
    const before = await (await get(`/wsfed/${PATH}`)).text();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await get(`/wsfed/${PATH}`);
    expect(await later.text()).to.equal(before);
    const oldEtag = later.headers.get('etag');

    expect((await api('/api/v2/keys/signing/rotate', { method: 'POST' })).status).to.equal(201);
    const rotated = await get(`/wsfed/${PATH}`);
    expect(rotated.headers.get('etag')).not.to.equal(oldEtag);
    const xml = await rotated.text();
    expect(kidsIn(xml)).to.deep.equal(await jwksKids()).and.to.have.length(3);
    expect(xml).not.to.equal(before);
  });
});
