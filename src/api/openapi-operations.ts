// The building blocks of the OpenAPI document's operations: JSON answers, the error answers each kind
// of route can give, query parameters and request bodies. An operation is bound to a route of the
// one route table (src/route-paths.ts) by name, so the document's paths cannot differ from the router's.
import type { RouteName } from '../route-paths.js';
import type { ErrorCode } from '../error-codes.js';
import { ref } from './openapi-schemas.js';

type Schema = Record<string, unknown>;
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface ApiOperation {
  route: RouteName;
  method: HttpMethod;
  operation: Record<string, unknown>;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

export const json = (description: string, schema: Schema, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { [JSON_TYPE]: { schema } },
});

const header = (description: string, schema: Schema = { type: 'string' }) => ({ description, required: true, schema });

export const RATE_LIMIT_HEADERS = {
  'X-RateLimit-Limit': header('Bucket size', { type: 'integer' }),
  'X-RateLimit-Remaining': header('Tokens left', { type: 'integer' }),
  'X-RateLimit-Reset': header('When the bucket is full again (Unix seconds)', { type: 'integer' }),
};

/** An error answer whose errorCode is one of `codes` (typed against the ErrorCode union). */
const apiError = (description: string, codes: ErrorCode[], headers?: Record<string, unknown>) =>
  json(`${codes.map((code) => `\`${code}\``).join(', ')}: ${description}`, { type: 'object', allOf: [ref('Error')], properties: { errorCode: { enum: codes } } }, headers);

/** The Management API's error answers by status. */
export const ERRORS = {
  400: apiError('an invalid query parameter or body', ['invalid_request', 'invalid_body', 'invalid_query_string', 'admin_not_allowed', 'bad_request']),
  401: apiError('no, malformed, expired or revoked access token', ['invalid_token'], {
    'WWW-Authenticate': header('`Bearer` with the RFC 6750 error'),
  }),
  403: apiError('the access token lacks a scope this call needs', ['insufficient_scope'], {
    'WWW-Authenticate': header('`Bearer` with error="insufficient_scope" and the scope needed'),
  }),
  404: apiError('no such resource', ['not_found', 'key_not_found', 'api_client_not_found', 'log_stream_not_found', 'log_not_found']),
  409: apiError('the change conflicts with the current state (details: revocable_at, rotatable_at, warnings)', [
    'conflict',
    'key_state_conflict',
    'key_still_in_use',
    'next_key_too_young',
    'rollover_not_ready',
  ]),
  413: apiError('the body is larger than 64 KiB', ['payload_too_large']),
  415: apiError('send application/json or application/x-www-form-urlencoded', ['unsupported_media_type']),
  429: apiError('the rotation/revocation rate limit is spent', ['too_many_requests'], { 'Retry-After': header('Seconds to wait', { type: 'integer' }), ...RATE_LIMIT_HEADERS }),
  500: apiError('our fault (the message never says more)', ['internal_error', 'key_set_corrupt', 'key_set_incomplete', 'key_exists']),
  503: apiError('the store is unreachable, or the current key cannot sign', ['service_unavailable', 'key_unavailable']),
} as const;

export type ErrorStatus = keyof typeof ERRORS;

/** What every Bearer-authenticated route can answer besides its own statuses. */
const AUTHENTICATED: ErrorStatus[] = [401, 403, 413, 500, 503];
/** What a route that reads a JSON or form body can also answer. */
export const READS_BODY: ErrorStatus[] = [400, 413, 415];

export const jsonBody = (schema: Schema, description?: string) => ({
  required: false,
  ...(description ? { description } : {}),
  content: { [JSON_TYPE]: { schema }, [FORM_TYPE]: { schema } },
});

export const query = (name: string, schema: Schema, description: string) => ({ name, in: 'query', required: false, schema, description });
export const pathParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
export const trueOrFalse = (name: string, description: string) => query(name, { enum: ['true', 'false'] }, description);

export const NO_CONTENT = { description: 'Done; no body' };

interface ManagedOperation {
  route: RouteName;
  method: HttpMethod;
  id: string;
  summary: string;
  tag: string;
  scopes: string[];
  responses: Record<number, unknown>;
  errors?: ErrorStatus[];
  parameters?: unknown[];
  requestBody?: unknown;
}

/** A Bearer-authenticated Management API operation, with the error answers every such route can give. */
export function managed(spec: ManagedOperation): ApiOperation {
  const errors = [...new Set([...(spec.errors ?? []), ...AUTHENTICATED])].sort((a, b) => a - b);
  return {
    route: spec.route,
    method: spec.method,
    operation: {
      operationId: spec.id,
      summary: spec.summary,
      tags: [spec.tag],
      security: [{ managementApi: spec.scopes }],
      ...(spec.parameters ? { parameters: spec.parameters } : {}),
      ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
      responses: { ...spec.responses, ...Object.fromEntries(errors.map((status) => [status, ERRORS[status]])) },
    },
  };
}
