// The OpenAPI operations outside Bearer authentication: POST /oauth/token (RFC 6749 section 4.4, the
// client credentials grant, form-encoded or JSON, with RFC 6749 section 5.2 errors) and this document itself.
import { RATE_LIMIT_HEADERS, json, type ApiOperation } from './openapi-operations.js';
import { ref } from './openapi-schemas.js';

/** An RFC 6749 error answer whose `error` is one of `codes`. */
const oauthError = (description: string, codes: string[], headers?: Record<string, unknown>) =>
  json(`${codes.map((code) => `\`${code}\``).join(', ')}: ${description}`, { type: 'object', allOf: [ref('OAuthError')], properties: { error: { enum: codes } } }, headers);

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
      400: oauthError('a missing or invalid parameter, an unknown grant type or a scope not granted', ['invalid_request', 'unsupported_grant_type', 'invalid_scope']),
      401: oauthError('unknown client or wrong secret (WWW-Authenticate: Basic when Basic was used)', ['invalid_client']),
      403: oauthError('the audience is not the Management API', ['access_denied']),
      413: oauthError('the body is larger than 16 KiB', ['invalid_request']),
      415: oauthError('send application/x-www-form-urlencoded or application/json', ['invalid_request']),
      429: oauthError('too many failed client authentications for this client or address', ['too_many_requests'], {
        'Retry-After': { description: 'Seconds to wait', required: true, schema: { type: 'integer' } },
        ...RATE_LIMIT_HEADERS,
      }),
      500: oauthError('our fault', ['server_error']),
      503: oauthError('too many secret checks in progress (Retry-After: 1), the store is unreachable or the current key cannot sign', [
        'temporarily_unavailable',
        'service_unavailable',
        'key_unavailable',
      ]),
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
