// Input of POST and PATCH /api/v2/log-streams (and the CLI): Auth0's shape, every field checked,
// unknown fields refused. Endpoints are https:, or http: on loopback (the callback URL rule).
import { invalidBody } from '../errors.js';
import { checkCallbackUrl, object, only, text } from '../clients/validate.js';
import { CONTENT_FORMATS, LOG_CATEGORIES, type ContentFormat, type LogStreamFilter, type LogStreamSink } from './types.js';

type Input = Record<string, unknown>;

export interface LogStreamInput {
  name?: string;
  status?: 'active' | 'paused';
  sink?: LogStreamSink;
  /** undefined: unchanged; null: remove. */
  authorization?: string | null;
  filters?: LogStreamFilter[];
}

const MAX_FILTERS = 20;

function parseSink(value: unknown, current?: LogStreamSink): { sink: LogStreamSink; authorization?: string | null } {
  const input = object(value, 'sink');
  only(input, ['httpEndpoint', 'httpAuthorization', 'httpContentType', 'httpContentFormat'], 'sink');
  const endpoint = input.httpEndpoint ?? current?.httpEndpoint;
  const format = input.httpContentFormat ?? current?.httpContentFormat ?? 'JSONARRAY';
  if (!CONTENT_FORMATS.includes(format as ContentFormat)) throw invalidBody(`sink.httpContentFormat must be one of ${CONTENT_FORMATS.join(', ')}`);
  const sink: LogStreamSink = {
    httpEndpoint: checkCallbackUrl(endpoint, 'sink.httpEndpoint'),
    httpContentType: input.httpContentType === undefined ? (current?.httpContentType ?? 'application/json') : text(input.httpContentType, 'sink.httpContentType', 256),
    httpContentFormat: format as ContentFormat,
  };
  const authorization = input.httpAuthorization;
  if (authorization === undefined) return { sink };
  if (authorization === null || authorization === '') return { sink, authorization: null };
  return { sink, authorization: text(authorization, 'sink.httpAuthorization', 4096) };
}

function parseFilters(value: unknown): LogStreamFilter[] {
  if (!Array.isArray(value) || value.length > MAX_FILTERS) throw invalidBody(`filters must be an array of at most ${MAX_FILTERS} filters`);
  return value.map((item, index) => {
    const filter = object(item, `filters[${index}]`);
    only(filter, ['type', 'name'], `filters[${index}]`);
    if (filter.type !== 'category') throw invalidBody(`filters[${index}].type must be "category"`);
    if (!LOG_CATEGORIES.includes(filter.name as never)) throw invalidBody(`filters[${index}].name must be one of ${LOG_CATEGORIES.join(', ')}`);
    return { type: 'category', name: filter.name as LogStreamFilter['name'] };
  });
}

function parseStatus(value: unknown): 'active' | 'paused' {
  if (value !== 'active' && value !== 'paused') throw invalidBody('status must be "active" or "paused" (a suspended stream resumes with "active")');
  return value;
}

/** POST: name, type "http" and sink.httpEndpoint are required. */
export function parseNewLogStream(input: Input): LogStreamInput & { name: string; sink: LogStreamSink } {
  only(input, ['name', 'type', 'status', 'sink', 'filters'], 'the log stream');
  if (input.type !== 'http') throw invalidBody('type must be "http"');
  const { sink, authorization } = parseSink(input.sink);
  return {
    name: text(input.name, 'name', 256),
    sink,
    ...(authorization ? { authorization } : {}),
    ...(input.status !== undefined ? { status: parseStatus(input.status) } : {}),
    filters: input.filters === undefined ? [] : parseFilters(input.filters),
  };
}

/** PATCH: any of name, status, sink (merged with the current sink), filters. */
export function parseLogStreamChange(input: Input, current: LogStreamSink): LogStreamInput {
  only(input, ['name', 'status', 'sink', 'filters'], 'the log stream');
  const sink = input.sink === undefined ? undefined : parseSink(input.sink, current);
  return {
    ...(input.name !== undefined ? { name: text(input.name, 'name', 256) } : {}),
    ...(input.status !== undefined ? { status: parseStatus(input.status) } : {}),
    ...(sink ? { sink: sink.sink, ...(sink.authorization !== undefined ? { authorization: sink.authorization } : {}) } : {}),
    ...(input.filters !== undefined ? { filters: parseFilters(input.filters) } : {}),
  };
}
