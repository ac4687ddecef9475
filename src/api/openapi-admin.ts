// The OpenAPI operations for log streams (/api/v2/log-streams) and Management API clients (/api/v2/api-clients).
import { ref } from './openapi-schemas.js';
import { READS_BODY, NO_CONTENT, json, jsonBody, managed, pathParam, type ApiOperation } from './openapi-operations.js';

const id = pathParam('id', 'The log stream id or API client_id');
const streamFields = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    type: { const: 'http' },
    status: { enum: ['active', 'paused'] },
    sink: ref('LogStreamSink'),
    filters: { type: 'array', items: { type: 'object' } },
  },
};

const LOG_STREAMS: ApiOperation[] = [
  managed({ route: 'api-log-streams', method: 'get', id: 'get_log_streams', summary: 'List log streams', tag: 'Log streams', scopes: ['read:log_streams'], responses: { 200: json('The streams', { type: 'array', items: ref('LogStream') }) } }),
  managed({
    route: 'api-log-streams',
    method: 'post',
    id: 'post_log_streams',
    summary: 'Create an HTTP log stream; the answer carries its signing secret, this once',
    tag: 'Log streams',
    scopes: ['create:log_streams'],
    requestBody: jsonBody(streamFields),
    responses: { 201: json('The new stream and its signing secret', ref('LogStreamCreated')) },
    errors: READS_BODY,
  }),
  managed({ route: 'api-log-stream', method: 'get', id: 'get_log_streams_by_id', summary: 'Get a log stream', tag: 'Log streams', scopes: ['read:log_streams'], parameters: [id], responses: { 200: json('The stream', ref('LogStream')) }, errors: [404] }),
  managed({
    route: 'api-log-stream',
    method: 'patch',
    id: 'patch_log_streams_by_id',
    summary: 'Change a log stream; {"status":"active"} resumes a suspended one',
    tag: 'Log streams',
    scopes: ['update:log_streams'],
    parameters: [id],
    requestBody: jsonBody(streamFields),
    responses: { 200: json('The stream', ref('LogStream')) },
    errors: [...READS_BODY, 404],
  }),
  managed({ route: 'api-log-stream', method: 'delete', id: 'delete_log_streams_by_id', summary: 'Delete a log stream', tag: 'Log streams', scopes: ['delete:log_streams'], parameters: [id], responses: { 204: NO_CONTENT }, errors: [404] }),
];

const API_CLIENTS: ApiOperation[] = [
  managed({ route: 'api-api-clients', method: 'get', id: 'get_api_clients', summary: 'List Management API clients (never their secrets)', tag: 'API clients', scopes: ['read:api_clients'], responses: { 200: json('The clients', { type: 'array', items: ref('ApiClient') }) } }),
  managed({ route: 'api-api-client', method: 'delete', id: 'delete_api_clients_by_id', summary: 'Delete a Management API client (its tokens end at once)', tag: 'API clients', scopes: ['delete:api_clients'], parameters: [id], responses: { 204: NO_CONTENT }, errors: [404] }),
  managed({
    route: 'api-api-client-rotate-secret',
    method: 'post',
    id: 'post_api_clients_rotate_secret',
    summary: 'Give a Management API client a new secret (shown this once; older tokens end)',
    tag: 'API clients',
    scopes: ['update:api_clients'],
    parameters: [id],
    responses: { 200: json('The client and its new secret', ref('ApiClientWithSecret')) },
    errors: [404],
  }),
];

export const ADMIN_OPERATIONS: ApiOperation[] = [...LOG_STREAMS, ...API_CLIENTS];
