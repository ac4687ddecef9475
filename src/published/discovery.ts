// The two discovery documents, built once from configuration: OpenID Provider metadata (OpenID
// Connect Discovery 1.0 section 3) and OAuth 2.0 authorization server metadata (RFC 8414). Both claim
// only what fedmeta serves: a token endpoint for the client credentials grant (client_secret_basic or
// client_secret_post), the JWKS and the Management API scopes. There is no authorization endpoint, so
// no authorization_endpoint, no response type (response_types_supported is REQUIRED by both
// specifications and is therefore present and empty), no subject types (no end-user ID tokens) and no
// token_endpoint_auth_signing_alg_values_supported (no private_key_jwt or client_secret_jwt).
import type { Config } from '../config.js';
import { tokenIssuer } from '../auth/tokens.js';
import { MANAGEMENT_SCOPES } from '../auth/scopes.js';
import { makeDocument, type PublishedDocument } from './document.js';
import { urlFor } from '../route-paths.js';

/** RFC 8414 section 2: the members both documents share. `issuer` equals the tokens' `iss` exactly. */
function authorizationServerMetadata(config: Config) {
  return {
    issuer: tokenIssuer(config),
    token_endpoint: urlFor(config, 'oauth-token'),
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    grant_types_supported: ['client_credentials'],
    response_types_supported: [],
    jwks_uri: urlFor(config, 'jwks'),
    scopes_supported: [...MANAGEMENT_SCOPES],
  };
}

const json = (value: unknown): PublishedDocument => makeDocument(JSON.stringify(value), 'application/json; charset=utf-8');

/** /.well-known/openid-configuration: the shared members, plus the algorithm of every token fedmeta signs. */
export function discoveryDocument(config: Config): PublishedDocument {
  return json({ ...authorizationServerMetadata(config), id_token_signing_alg_values_supported: ['RS256'] });
}

/** /.well-known/oauth-authorization-server (RFC 8414 section 3). */
export function authorizationServerDocument(config: Config): PublishedDocument {
  return json(authorizationServerMetadata(config));
}
