// Rows of log_streams and audit_log → domain values, for both backends (SQLite keeps times as epoch
// ms and JSON as text; PostgreSQL returns Date, parsed json and bigint as text).
import type { AuditEntry } from '../audit/types.js';
import type { LogStreamChange, LogStreamRecord } from '../log-streams/types.js';

type Time = number | Date;
type Json = string | object;

export interface LogStreamRow {
  id: string;
  name: string;
  status: LogStreamRecord['status'];
  sink: Json;
  sealed_authorization: string | null;
  sealed_secret: string;
  filters: Json;
  delivered_id: number | string;
  failures: number;
  last_error: string | null;
  suspended_reason: string | null;
  next_attempt_at: Time;
  last_delivery_at: Time | null;
  created_at: Time;
  updated_at: Time;
}

export interface AuditRow {
  id: number | string;
  at: Time;
  type: string;
  description: string;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string;
  ip: string | null;
  details: Json;
}

const date = (value: Time) => (value instanceof Date ? value : new Date(value));
const json = <T>(value: Json) => (typeof value === 'string' ? JSON.parse(value) : value) as T;
const optional = <T>(value: T | null) => (value === null ? undefined : value);

export function logStreamFromRow(row: LogStreamRow): LogStreamRecord {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    sink: json(row.sink),
    sealedAuthorization: optional(row.sealed_authorization),
    sealedSecret: row.sealed_secret,
    filters: json(row.filters),
    deliveredId: Number(row.delivered_id),
    failures: row.failures,
    lastError: optional(row.last_error),
    suspendedReason: optional(row.suspended_reason),
    nextAttemptAt: date(row.next_attempt_at),
    lastDeliveryAt: row.last_delivery_at === null ? undefined : date(row.last_delivery_at),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export function auditEntryFromRow(row: AuditRow): AuditEntry {
  return {
    log_id: String(row.id),
    date: date(row.at).toISOString(),
    type: row.type,
    description: row.description,
    actor: { type: row.actor_type, id: row.actor_id },
    ...(row.ip ? { ip: row.ip } : {}),
    details: json(row.details),
  };
}

/** The values every log stream UPDATE of a PATCH needs, in a backend-neutral form. */
export function changeValues(change: LogStreamChange) {
  return {
    name: change.name ?? null,
    status: change.status ?? null,
    sink: change.sink ? JSON.stringify(change.sink) : null,
    filters: change.filters ? JSON.stringify(change.filters) : null,
    setAuthorization: change.sealedAuthorization !== undefined ? 1 : 0,
    authorization: change.sealedAuthorization ?? null,
    resume: change.status === 'active' ? 1 : 0,
  };
}
