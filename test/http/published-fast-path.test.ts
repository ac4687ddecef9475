// The published documents' fast path ahead of Koa (src/http/published-fast-path.ts): compressed
// forms that decode to the very bytes of the identity response, the same headers as Koa sends,
// 304 and HEAD per representation, a rotation served at once, and everything else left to Koa.
import { expect } from 'chai';
import { startTestServer, startWithToken, type TestServer } from '../helpers/server.js';
import { decodedBody, rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { expectJsonError } from '../helpers/errors.js';
import { capturingLogger } from '../helpers/logs.js';
import { hasRepresentations } from '../../src/http/published-representation.js';
import { jwksDocument } from '../../src/published/jwks.js';
import { certificateDocument } from '../../src/published/certificates.js';
import { until } from '../helpers/wait.js';

const WSFED_METADATA = 'FederationMetadata/2007-06/FederationMetadata.xml';
/** Large enough that brotli and gzip both shrink them. */
const COMPRESSIBLE = ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/samlp/metadata', `/wsfed/${WSFED_METADATA}`, '/pem', '/pb7'];
const ALL = [...COMPRESSIBLE, '/cer', '/rawpem', '/fingerprint', '/metadata-signer.pem', '/metadata-signer.cer'];

describe('published documents: the fast path ahead of routing', () => {
  let server: TestServer;
  let api: (path: string, init?: RequestInit) => Promise<Response>;
  let clientId: string;
  const log = capturingLogger();
  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => rawRequest(`${server.url}${path}`, headers, method);
  const withoutDateAndVary = (response: RawResponse) => response.headers.filter(([name]) => !['date', 'vary'].includes(name.toLowerCase()));
  /** What two answers of the same representation share: not the date, the Vary, or the request id (new for each). */
  const withoutVolatile = (response: RawResponse) => withoutDateAndVary(response).filter(([name]) => name.toLowerCase() !== 'x-request-id');

  before(async () => {
    ({ server, api } = await startWithToken({ logger: log }));
    const addons = { samlp: { audience: 'https://sp.example.com' }, wsfed: { realm: 'urn:rp' } };
    clientId = (await server.services.clients.create({ name: 'SP', callbacks: ['https://sp.example.com/acs'], addons }, { type: 'system', id: 'test' })).clientId;
  });
  after(async () => server.destroy());

  it('answers with the same status, headers (plus Vary: Accept-Encoding) and bytes as Koa does for the same document', async () => {
    for (const path of [...ALL, `/samlp/metadata/${clientId}`, `/wsfed/${clientId}/${WSFED_METADATA}`]) {
      const sameId = { 'x-request-id': 'the-same-request-id' };
      const fast = await get(path, sameId);
      const koa = await get(`${path}?through=koa`, sameId); // a query is never on the fast path
      expect(fast.status, path).to.equal(200);
      expect(fast.header('vary'), path).to.equal('Accept-Encoding');
      expect(koa.header('vary'), path).to.equal(undefined);
      expect(withoutDateAndVary(fast), path).to.deep.equal(withoutDateAndVary(koa));
      expect(fast.body.equals(koa.body), path).to.equal(true);
    }
  });

  it('brotli and gzip bodies decode to exactly the identity bytes, each with its own ETag and Content-Length', async () => {
    for (const path of COMPRESSIBLE) {
      const identity = await get(path);
      const etags = new Set([identity.header('etag')]);
      for (const coding of ['br', 'gzip']) {
        const encoded = await get(path, { 'accept-encoding': coding });
        expect(encoded.header('content-encoding'), path).to.equal(coding);
        expect(encoded.header('vary'), path).to.equal('Accept-Encoding');
        expect(Number(encoded.header('content-length')), path).to.equal(encoded.body.length).and.below(identity.body.length);
        expect(decodedBody(encoded).equals(identity.body), `${path} ${coding}`).to.equal(true);
        expect(encoded.header('content-type')).to.equal(identity.header('content-type'));
        etags.add(encoded.header('etag'));
      }
      expect(etags.size, `${path}: one ETag per representation`).to.equal(3);
    }
  });

  it('negotiates q-values: the coding the client rates highest, identity when every coding is refused', async () => {
    const coding = async (acceptEncoding: string) => (await get('/samlp/metadata', { 'accept-encoding': acceptEncoding })).header('content-encoding') ?? 'identity';
    expect(await coding('gzip, deflate, br')).to.equal('br');
    expect(await coding('br;q=0.4, gzip;q=0.5')).to.equal('gzip');
    expect(await coding('identity, br;q=0.5')).to.equal('identity');
    expect(await coding('br;q=0, gzip;q=0, *')).to.equal('identity');
    expect(await coding('deflate')).to.equal('identity');
  });

  it('every document is compressed only when that makes it smaller, and is otherwise sent as is with the identity ETag', async () => {
    for (const path of ALL) {
      const identity = await get(path);
      for (const coding of ['br', 'gzip']) {
        const asked = await get(path, { 'accept-encoding': coding });
        if (asked.header('content-encoding') === undefined) {
          expect(asked.body.equals(identity.body), path).to.equal(true);
          expect(asked.header('etag'), path).to.equal(identity.header('etag'));
        } else {
          expect(asked.body.length, path).to.be.below(identity.body.length);
        }
      }
    }
  });

  it('answers 304 to the ETag of the representation it would send (lists, weak, *), with the caching headers and no body', async () => {
    for (const path of COMPRESSIBLE) {
      for (const coding of ['identity', 'br', 'gzip']) {
        const headers = { 'accept-encoding': coding };
        const first = await get(path, headers);
        const etag = first.header('etag')!;
        for (const ifNoneMatch of [etag, `"other", W/${etag}`, '*']) {
          const again = await get(path, { ...headers, 'if-none-match': ifNoneMatch });
          expect(again.status, `${path} ${coding} ${ifNoneMatch}`).to.equal(304);
          expect(again.body.length).to.equal(0);
          expect(withoutVolatile(again)).to.deep.equal(withoutVolatile(first).filter(([name]) => !/^content-(type|length|encoding)$/i.test(name)));
          expect(again.header('vary')).to.equal('Accept-Encoding');
        }
      }
      const br = (await get(path, { 'accept-encoding': 'br' })).header('etag')!;
      expect((await get(path, { 'if-none-match': br })).status, `${path}: the brotli ETag does not match identity`).to.equal(200);
    }
  });

  it('answers HEAD with the headers of the GET it stands for and no body, per coding', async () => {
    for (const path of ALL) {
      for (const coding of ['identity', 'br', 'gzip']) {
        const headers = { 'accept-encoding': coding };
        const getResponse = await get(path, headers);
        const head = await get(path, headers, 'HEAD');
        expect(head.status).to.equal(200);
        expect(head.body.length).to.equal(0);
        expect(withoutVolatile(head), `${path} ${coding}`).to.deep.equal(withoutVolatile(getResponse));
      }
    }
  });

  it('prepares the new documents\' responses when the key set changes, before anyone asks for them', async () => {
    const rotated = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(rotated.status).to.equal(201);
    const snapshot = server.services.keyring.snapshot;
    await until(() => hasRepresentations(jwksDocument(snapshot)) && hasRepresentations(certificateDocument(snapshot, server.config, 'pem')!), 10_000, 'the JWKS and PEM prepared');
  });

  it('serves the new key set in every form as soon as a rotation has answered', async () => {
    const before = await Promise.all(['identity', 'br', 'gzip'].map((coding) => get('/.well-known/jwks.json', { 'accept-encoding': coding })));
    const rotated = await api('/api/v2/keys/signing/rotate', { method: 'POST' });
    expect(rotated.status).to.equal(201);
    const { kid } = (await rotated.json()) as { kid: string };
    const identity = await get('/.well-known/jwks.json');
    expect((JSON.parse(identity.body.toString()) as { keys: { kid: string }[] }).keys[0]!.kid).to.equal(kid);
    for (const [index, coding] of ['identity', 'br', 'gzip'].entries()) {
      const old = before[index]!;
      const after = await get('/.well-known/jwks.json', { 'accept-encoding': coding, 'if-none-match': old.header('etag')! });
      expect(after.status, coding).to.equal(200);
      expect(after.header('etag')).not.to.equal(old.header('etag'));
      expect(decodedBody(after).equals(identity.body), coding).to.equal(true);
    }
  });

  it('leaves everything else to Koa: other methods, queries, unknown applications, near-miss paths', async () => {
    await expectJsonError(await fetch(`${server.url}/.well-known/jwks.json`, { method: 'POST' }), 405, 'method_not_allowed');
    await expectJsonError(await fetch(`${server.url}/pem?kid=unknown`), 404, 'not_found');
    await expectJsonError(await fetch(`${server.url}/samlp/metadata/nosuchapplication`), 404, 'not_found');
    await expectJsonError(await fetch(`${server.url}/wsfed/nosuchapplication/${WSFED_METADATA}`), 404, 'not_found');
    const escaped = await get(`/samlp/metadata/${encodeURIComponent(`${clientId}`).replace(/^./, (c) => `%${c.charCodeAt(0).toString(16)}`)}`);
    expect(escaped.status, 'an escaped client_id is decoded by the router').to.equal(200);
    expect(escaped.header('vary'), 'and answered by Koa').to.equal(undefined);
  });

  it('logs and counts each answer as Koa does: one access line with route, status, request id, client and application', async () => {
    const from = log.lines.length;
    const first = await get('/samlp/metadata', { 'x-request-id': 'trace-0af7651916cd43dd' });
    expect(first.header('x-request-id'), 'a well-formed request id is kept and echoed').to.equal('trace-0af7651916cd43dd');
    const again = await get('/samlp/metadata', { 'if-none-match': first.header('etag')!, 'x-request-id': 'not well formed!' });
    expect(again.header('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    await get(`/wsfed/${clientId}/${WSFED_METADATA}`, {}, 'HEAD');
    await get('/pem?kid=unknown');
    const access = log.lines.slice(from).filter((line) => line.fields.route !== undefined);
    expect(access.map(({ fields }) => [fields.method, fields.route, fields.status, fields.request_id, fields.client, fields.client_id])).to.deep.equal([
      ['GET', 'saml-metadata', 200, 'trace-0af7651916cd43dd', '127.0.0.1', undefined],
      ['GET', 'saml-metadata', 304, again.header('x-request-id'), '127.0.0.1', undefined],
      ['HEAD', 'wsfed-app-metadata', 200, access[2]!.fields.request_id, '127.0.0.1', clientId],
      ['GET', 'certificate-pem', 404, access[3]!.fields.request_id, '127.0.0.1', undefined],
    ]);
    for (const { fields } of access) expect(fields.duration_ms).to.be.a('number').and.at.least(0);
    const counted = await server.services.metrics.registry.getSingleMetricAsString('fedmeta_http_requests_total');
    expect(counted).to.include('route="saml-metadata",method="GET",status="304"');
  });

  it('records who read a document (rollover readiness) as Koa would: the client address behind a trusted proxy, the user agent', async () => {
    const behindProxy = await startTestServer({ env: { FEDMETA_TRUST_PROXY: '127.0.0.1' } });
    try {
      const response = await rawRequest(`${behindProxy.url}/.well-known/jwks.json`, { 'x-forwarded-for': '198.51.100.7', 'user-agent': 'fast-path-reader/1' });
      expect(response.header('vary'), 'answered by the fast path').to.equal('Accept-Encoding');
      await behindProxy.services.sightings.flush();
      const sightings = await behindProxy.services.store.listSightings();
      expect(sightings.map(({ document, address, userAgent }) => ({ document, address, userAgent }))).to.deep.include({ document: 'jwks', address: '198.51.100.7', userAgent: 'fast-path-reader/1' });
    } finally {
      await behindProxy.destroy();
    }
  });
});
