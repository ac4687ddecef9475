import { expect } from 'chai';
import { API_PREFIX, ROUTE_PATHS, apiPath, pathFor, urlFor } from '../../src/route-paths.js';

describe('route-paths: one table of route names and paths', () => {
  const config = { issuer: 'https://idp.example.com' };

  it('fills and URL-encodes parameters, and appends a query', () => {
    expect(pathFor('saml-app-metadata', { client_id: 'a b/c' })).to.equal('/samlp/metadata/a%20b%2Fc');
    expect(pathFor('dashboard-revoke', { kid: 'k1' })).to.equal('/dashboard/signing-keys/k1/revoke');
    expect(pathFor('login', {}, { state: 'abc' })).to.equal('/login?state=abc');
    expect(pathFor('dashboard-logs', {}, { page: 2 })).to.equal('/dashboard/logs?page=2');
    expect(pathFor('certificate-pkcs7')).to.equal('/pb7');
  });

  it('builds absolute URLs under the configured issuer only', () => {
    expect(urlFor(config, 'jwks')).to.equal('https://idp.example.com/.well-known/jwks.json');
    expect(urlFor(config, 'wsfed-app-metadata', { client_id: 'c1' })).to.equal(
      'https://idp.example.com/wsfed/c1/FederationMetadata/2007-06/FederationMetadata.xml',
    );
  });

  it('keeps Management API paths under the API prefix', () => {
    const apiNames = Object.keys(ROUTE_PATHS).filter((name) => name.startsWith('api-'));
    expect(apiNames).to.not.be.empty;
    for (const name of apiNames) expect(ROUTE_PATHS[name as keyof typeof ROUTE_PATHS].startsWith(`${API_PREFIX}/`), name).to.equal(true);
    expect(apiPath('api-signing-key-revoke')).to.equal('/keys/signing/:kid/revoke');
  });
});
