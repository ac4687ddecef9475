import type { Config } from '../config.js';
import { tokenIssuer } from '../auth/tokens.js';
import { MANAGEMENT_SCOPES } from '../auth/scopes.js';
import { makeDocument, type PublishedDocument } from './document.js';
import { urlFor } from '../route-paths.js';

/** OpenID Provider metadata (OpenID Connect Discovery 1.0 section 3), pointing at the JWKS. */
export function discoveryDocument(config: Config): PublishedDocument {
  return makeDocument(
    JSON.stringify({
      issuer: tokenIssuer(config),
      jwks_uri: urlFor(config, 'jwks'),
      token_endpoint: urlFor(config, 'oauth-token'),
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      scopes_supported: [...MANAGEMENT_SCOPES],
    }),
    'application/json; charset=utf-8',
  );
}
