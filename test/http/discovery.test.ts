// Honest discovery (issue 14 item 9): /.well-known/openid-configuration and the RFC 8414 metadata at
// /.well-known/oauth-authorization-server claim only what fedmeta serves. oauth4webapi (an independent
// RFC 8414 client) derives the metadata URL from the issuer and insists on the exact issuer (section
// 3.3), then takes a token at the advertised endpoint with each advertised client authentication; jose
// verifies the token against the advertised JWKS with the advertised issuer.
import { expect } from 'chai';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { addApiClient, startTestServer, type ApiCredentials, type TestServer } from '../helpers/server.js';
import { MANAGEMENT_SCOPES } from '../../src/auth/scopes.js';

type Json = Record<string, any>;

describe('discovery: OpenID configuration and RFC 8414 authorization server metadata', () => {
  let server: TestServer;
  let credentials: ApiCredentials;
  const issuer = () => new URL(`${server.config.issuer}/`);
  const insecure = { [oauth.allowInsecureRequests]: true };
  const get = async (path: string) => (await (await fetch(`${server.url}${path}`)).json()) as Json;

  before(async () => {
    server = await startTestServer();
    credentials = await addApiClient(server, 'read:signing_keys read:logs');
  });
  after(async () => server.destroy());

  it('an RFC 8414 client finds the metadata from the issuer alone, with exactly that issuer, and gets a token with each advertised method', async () => {
    const metadata = await oauth.processDiscoveryResponse(issuer(), await oauth.discoveryRequest(issuer(), { algorithm: 'oauth2', ...insecure }));
    expect(metadata.issuer).to.equal(`${server.config.issuer}/`);
    expect(metadata.grant_types_supported).to.deep.equal(['client_credentials']);
    expect(metadata.token_endpoint_auth_methods_supported).to.have.members(['client_secret_basic', 'client_secret_post']);
    const client: oauth.Client = { client_id: credentials.client_id };
    const auth = { client_secret_basic: oauth.ClientSecretBasic, client_secret_post: oauth.ClientSecretPost } as const;
    for (const method of metadata.token_endpoint_auth_methods_supported as (keyof typeof auth)[]) {
      const response = await oauth.clientCredentialsGrantRequest(metadata, client, auth[method](credentials.client_secret), { audience: `${server.config.issuer}/api/v2/` }, insecure);
      const token = await oauth.processClientCredentialsResponse(metadata, client, response);
      const { payload } = await jwtVerify(token.access_token, createRemoteJWKSet(new URL(metadata.jwks_uri!)), { issuer: metadata.issuer });
      expect(payload.client_id, method).to.equal(credentials.client_id);
    }
  });

  it('a metadata document whose issuer differed would be refused by the client (the check is real)', async () => {
    const elsewhere = new URL('http://127.0.0.1:1/');
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    let refused: unknown;
    await oauth.processDiscoveryResponse(elsewhere, response).catch((error: unknown) => (refused = error));
    expect((refused as { code?: string }).code).to.equal('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED');
  });

  it('both documents claim no authorization endpoint, no response type and no JWT client authentication', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const doc = await get(path);
      expect(doc, path).to.not.have.any.keys('authorization_endpoint', 'userinfo_endpoint', 'subject_types_supported', 'token_endpoint_auth_signing_alg_values_supported', 'end_session_endpoint', 'registration_endpoint');
      expect(doc.response_types_supported, path).to.deep.equal([]);
      expect(doc.scopes_supported, path).to.deep.equal([...MANAGEMENT_SCOPES]);
    }
    const openid = await get('/.well-known/openid-configuration');
    expect(openid.id_token_signing_alg_values_supported).to.deep.equal(['RS256']);
    const { id_token_signing_alg_values_supported: _rs256, ...shared } = openid;
    expect(shared, 'the OpenID configuration is the RFC 8414 metadata plus the signing algorithm').to.deep.equal(await get('/.well-known/oauth-authorization-server'));
  });

  it('every endpoint and URI they advertise is served', async () => {
    const doc = await get('/.well-known/oauth-authorization-server');
    const urls = Object.entries(doc).filter(([name]) => name.endsWith('_endpoint') || name.endsWith('_uri'));
    expect(urls.map(([name]) => name).sort()).to.deep.equal(['jwks_uri', 'token_endpoint']);
    expect((await fetch(doc.jwks_uri as string)).status).to.equal(200);
    const token = await fetch(doc.token_endpoint as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(token.status, 'the token endpoint answers (RFC 6749: no client authentication)').to.equal(401);
    expect(((await token.json()) as Json).error).to.equal('invalid_client');
  });

  it('the RFC 8414 document is a published document: ETag, 304, HEAD, Cache-Control, CORS', async () => {
    const first = await fetch(`${server.url}/.well-known/oauth-authorization-server`);
    expect(first.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    expect(first.headers.get('cache-control')).to.equal(`public, max-age=${server.config.metadataCacheSeconds}`);
    expect(first.headers.get('access-control-allow-origin')).to.equal('*');
    const again = await fetch(`${server.url}/.well-known/oauth-authorization-server`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).to.equal(304);
    expect((await fetch(`${server.url}/.well-known/oauth-authorization-server`, { method: 'HEAD' })).status).to.equal(200);
  });
});
