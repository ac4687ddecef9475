// The log stream object of the Management API and the CLI: Auth0's {id, name, type, status, sink,
// filters}, plus fedmeta's delivery state. Secrets are never shown (the signing secret once, at creation).
import type { LogStreamFilter, LogStreamRecord, LogStreamSink, LogStreamStatus } from './types.js';

export interface LogStreamObject {
  id: string;
  name: string;
  type: 'http';
  status: LogStreamStatus;
  sink: LogStreamSink & { httpAuthorizationSet: boolean };
  filters: LogStreamFilter[];
  delivery: {
    last_delivered_log_id: string;
    consecutive_failures: number;
    next_attempt_at: string;
    last_delivery_at?: string;
    last_error?: string;
    suspended_reason?: string;
  };
  created_at: string;
  updated_at: string;
}

export function toLogStreamObject(record: LogStreamRecord): LogStreamObject {
  return {
    id: record.id,
    name: record.name,
    type: 'http',
    status: record.status,
    sink: { ...record.sink, httpAuthorizationSet: record.sealedAuthorization !== undefined },
    filters: record.filters,
    delivery: {
      last_delivered_log_id: String(record.deliveredId),
      consecutive_failures: record.failures,
      next_attempt_at: record.nextAttemptAt.toISOString(),
      ...(record.lastDeliveryAt ? { last_delivery_at: record.lastDeliveryAt.toISOString() } : {}),
      ...(record.lastError ? { last_error: record.lastError } : {}),
      ...(record.suspendedReason ? { suspended_reason: record.suspendedReason } : {}),
    },
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
