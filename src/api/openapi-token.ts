// The OpenAPI operations outside Bearer authentication: POST /oauth/token (RFC 6749 section 4.4, the
// client credentials grant, form-encoded or JSON, with RFC 6749 section 5.2 errors) and this document itself.
import { RATE_LIMIT_HEADERS, json, type ApiOperation } from './openapi-operations.js';
import { ref } from './openapi-schemas.js';

const oauthError = (description: string, headers?: Record<string, unknown>) => json(description, ref('OAuthError'), headers);

const tokenRequest = {
  type: 'object',
  required: ['grant_type', 'audience'],
  properties: {
    grant_type: { const: 'client_credentials' },
    client_id: { type: 'string', description: 'With client_secret, unless HTTP Basic authentication is used' },
    client_secret: { type: 'string' },
    audience: { type: 'string', description: 'The Management API: the issuer URL + /api/v2/' },
    scope: { type: 'string', description: "Space-separated scopes; absent: every scope granted to the client" },
  },
};

const TOKEN: ApiOperation = {
  route: 'oauth-token',
  method: 'post',
  operation: {
    operationId: 'post_token',
    summary: 'Exchange client credentials for a Management API access token',
    tags: ['OAuth'],
    security: [{}, { clientSecretBasic: [] }],
    requestBody: {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: tokenRequest }, 'application/json': { schema: tokenRequest } },
    },
    responses: {
      200: json('An RS256 access token (at+jwt) signed by the current key', ref('TokenResponse'), {
        'Cache-Control': { description: 'no-store', required: true, schema: { const: 'no-store' } },
      }),
      400: oauthError('`invalid_request`, `unsupported_grant_type` or `invalid_scope`'),
      401: oauthError('`invalid_client`: unknown client or wrong secret (WWW-Authenticate: Basic when Basic was used)'),
      403: oauthError('`access_denied`: the audience is not the Management API'),
      413: oauthError('`invalid_request`: the body is larger than 16 KiB'),
      415: oauthError('`invalid_request`: send application/x-www-form-urlencoded or application/json'),
      429: oauthError('`too_many_requests`: too many failed client authentications for this client or address', {
        'Retry-After': { description: 'Seconds to wait', required: true, schema: { type: 'integer' } },
        ...RATE_LIMIT_HEADERS,
      }),
      500: oauthError('`server_error`'),
      503: oauthError('`temporarily_unavailable` (too many secret checks in progress; Retry-After: 1) or `key_unavailable`'),
    },
  },
};

const DOCUMENT: ApiOperation = {
  route: 'api-openapi',
  method: 'get',
  operation: {
    operationId: 'get_openapi',
    summary: 'This OpenAPI 3.1 document (public, cacheable: ETag and If-None-Match)',
    tags: ['Meta'],
    security: [],
    responses: {
      200: json('The document', { type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } } }, { ETag: { description: 'Entity tag', required: true, schema: { type: 'string' } } }),
      304: { description: 'Not modified (If-None-Match matched the ETag)' },
    },
  },
};

export const UNAUTHENTICATED_OPERATIONS: ApiOperation[] = [DOCUMENT, TOKEN];
