// The one place a finished HTTP request is recorded: an access-log line and the request metrics.
// A plain function, so any server path (the Koa app, a fast path ahead of it) can call it.
import type { Logger } from './logger.js';
import type { FedmetaMetrics } from './metrics.js';

export interface RequestRecord {
  method: string;
  /** The route's name from src/route-paths.ts, or "unmatched" (bounded: never the raw path). */
  route: string;
  status: number;
  durationMs: number;
  requestId: string;
  /** The client's address. */
  client: string;
  /** The application (client_id) or Management API client the request was for, when known. */
  clientId?: string | undefined;
  /** The error code of a refusal (src/error-codes.ts). */
  errorCode?: string | undefined;
}

export type RecordRequest = (record: RequestRecord) => void;

/** Methods outside this list are labelled "other" (a client must not grow the label set). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function requestRecorder(logger: Logger, metrics: FedmetaMetrics): RecordRequest {
  return (record) => {
    const method = METHODS.has(record.method) ? record.method : 'other';
    const labels = { route: record.route, method, status: String(record.status) };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, record.durationMs / 1000);
    const fields = {
      request_id: record.requestId,
      method,
      route: record.route,
      status: record.status,
      duration_ms: Math.round(record.durationMs * 1000) / 1000,
      client: record.client,
      ...(record.clientId ? { client_id: record.clientId } : {}),
      ...(record.errorCode ? { error_code: record.errorCode } : {}),
    };
    if (record.status >= 500) logger.error(fields, 'request failed');
    else if (record.status === 429) logger.warn(fields, 'request throttled');
    else if (record.status >= 400) logger.warn(fields, 'request refused');
    else logger.info(fields, 'request');
  };
}
