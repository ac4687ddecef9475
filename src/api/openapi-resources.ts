// The OpenAPI operations for applications, users and the audit log (/api/v2/clients, /users, /logs).
// Users and logs take Auth0's query parameters (q, page/per_page, include_totals; from/take for logs):
// with include_totals=true the answer is Auth0's {start, limit, length, total, users|logs} envelope.
import { ref, totals } from './openapi-schemas.js';
import { READS_BODY, NO_CONTENT, json, jsonBody, managed, pathParam, query, trueOrFalse, type ApiOperation } from './openapi-operations.js';

const id = pathParam('id', 'The client_id or user_id');
const page = query('page', { type: 'string', pattern: '^\\d+$' }, 'Page number, from 0');
const perPage = query('per_page', { type: 'string', pattern: '^\\d+$' }, 'Entries per page (1 to 100, default 50)');
const includeTotals = trueOrFalse('include_totals', 'true: answer {start, limit, length, total, …} around the page');
const q = query('q', { type: 'string', maxLength: 1000 }, "Search query: the part of Auth0's Lucene syntax that user and log searches use");
const listOf = (name: string, member: string, description: string) =>
  json(description, { oneOf: [{ type: 'array', items: ref(name) }, totals(member, name)] });

const clientFields = {
  type: 'object',
  properties: { name: { type: 'string' }, callbacks: { type: 'array', items: { type: 'string' } }, addons: { type: 'object' } },
};

const CLIENTS: ApiOperation[] = [
  managed({ route: 'api-clients', method: 'get', id: 'get_clients', summary: 'List applications', tag: 'Clients', scopes: ['read:clients'], responses: { 200: json('The applications', { type: 'array', items: ref('Client') }) } }),
  managed({
    route: 'api-clients',
    method: 'post',
    id: 'post_clients',
    summary: 'Create an application with SAML (addons.samlp) and/or WS-Fed (addons.wsfed)',
    tag: 'Clients',
    scopes: ['create:clients'],
    requestBody: jsonBody(clientFields),
    responses: { 201: json('The new application', ref('Client')) },
    errors: [...READS_BODY, 409],
  }),
  managed({ route: 'api-client', method: 'get', id: 'get_clients_by_id', summary: 'Get an application', tag: 'Clients', scopes: ['read:clients'], parameters: [id], responses: { 200: json('The application', ref('Client')) }, errors: [404] }),
  managed({
    route: 'api-client',
    method: 'patch',
    id: 'patch_clients_by_id',
    summary: 'Change an application (the fields given replace the stored ones)',
    tag: 'Clients',
    scopes: ['update:clients'],
    parameters: [id],
    requestBody: jsonBody(clientFields),
    responses: { 200: json('The application', ref('Client')) },
    errors: [...READS_BODY, 404, 409],
  }),
  managed({ route: 'api-client', method: 'delete', id: 'delete_clients_by_id', summary: 'Delete an application', tag: 'Clients', scopes: ['delete:clients'], parameters: [id], responses: { 204: NO_CONTENT }, errors: [404] }),
];

const USERS: ApiOperation[] = [
  managed({
    route: 'api-users',
    method: 'get',
    id: 'get_users',
    summary: 'List users',
    tag: 'Users',
    scopes: ['read:users'],
    parameters: [q, page, perPage, includeTotals],
    responses: { 200: listOf('User', 'users', 'A page of users, or the include_totals envelope') },
    errors: [400],
  }),
  managed({
    route: 'api-users',
    method: 'post',
    id: 'post_users',
    summary: 'Create a user (never an administrator: that is the CLI or the dashboard)',
    tag: 'Users',
    scopes: ['create:users'],
    requestBody: jsonBody({
      type: 'object',
      required: ['email', 'password'],
      properties: { email: { type: 'string' }, password: { type: 'string', minLength: 8, maxLength: 1024 }, name: { type: 'string', maxLength: 200 }, user_metadata: { type: 'object' }, connection: { type: 'string' } },
    }),
    responses: { 201: json('The new user', ref('User')) },
    errors: [...READS_BODY, 409],
  }),
  managed({ route: 'api-user', method: 'get', id: 'get_users_by_id', summary: 'Get a user', tag: 'Users', scopes: ['read:users'], parameters: [id], responses: { 200: json('The user', ref('User')) }, errors: [404] }),
  managed({
    route: 'api-user',
    method: 'patch',
    id: 'patch_users_by_id',
    summary: 'Change a user: name, password, user_metadata (merged as Auth0: null removes a member), blocked (blocking ends their sessions)',
    tag: 'Users',
    scopes: ['update:users'],
    parameters: [id],
    requestBody: jsonBody({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 200 },
        password: { type: 'string', minLength: 8, maxLength: 1024, description: 'Ends the user\'s sessions' },
        connection: { type: 'string', description: 'Accepted and ignored (Auth0 clients send it with a password)' },
        user_metadata: { type: 'object' },
        blocked: { type: 'boolean', description: 'true ends every session of the user and refuses their sign-ins' },
      },
    }),
    responses: { 200: json('The user', ref('User')) },
    errors: [...READS_BODY, 404, 409],
  }),
  managed({ route: 'api-user', method: 'delete', id: 'delete_users_by_id', summary: 'Delete a user', tag: 'Users', scopes: ['delete:users'], parameters: [id], responses: { 204: NO_CONTENT }, errors: [404] }),
];

const LOGS: ApiOperation[] = [
  managed({
    route: 'api-logs',
    method: 'get',
    id: 'get_logs',
    summary: 'Search the audit log, newest first',
    tag: 'Logs',
    scopes: ['read:logs'],
    parameters: [
      q,
      page,
      perPage,
      includeTotals,
      query('sort', { enum: ['date:-1', 'date:1'] }, 'By date (then log_id): newest first (the default) or oldest first'),
      query('from', { type: 'string' }, 'Checkpoint pagination: the log_id to start after (the entries after it in log_id order; q, page and sort are ignored)'),
      query('take', { type: 'string', pattern: '^\\d+$' }, 'Checkpoint pagination: how many entries (at most 100)'),
    ],
    responses: { 200: listOf('LogEvent', 'logs', 'Log events, or the include_totals envelope') },
    errors: [400],
  }),
  managed({
    route: 'api-log',
    method: 'get',
    id: 'get_logs_by_id',
    summary: 'Get one audit log entry',
    tag: 'Logs',
    scopes: ['read:logs'],
    parameters: [pathParam('id', 'The log_id')],
    responses: { 200: json('The log event', ref('LogEvent')) },
    errors: [404],
  }),
];

export const RESOURCE_OPERATIONS: ApiOperation[] = [...CLIENTS, ...USERS, ...LOGS];
