// Log streams: rows <-> records and the SQL both backends share (`?` placeholders; postgres/database.ts
// numbers them). Like rows.ts, a column comes back as SQLite stores it or as pg parses it.
import type { DeliveryState, LogStreamChange, LogStreamRecord } from '../log-streams/types.js';
import type { ColumnEncoding, TimeColumn } from './rows.js';

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
  next_attempt_at: TimeColumn;
  last_delivery_at: TimeColumn | null;
  created_at: TimeColumn;
  updated_at: TimeColumn;
}

const date = (value: TimeColumn) => (value instanceof Date ? value : new Date(value));
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

export const SELECT_LOG_STREAMS = 'SELECT * FROM log_streams ORDER BY created_at, id';
export const SELECT_LOG_STREAM = 'SELECT * FROM log_streams WHERE id = ?';
export const DELETE_LOG_STREAM = 'DELETE FROM log_streams WHERE id = ?';

/** The cursor starts at the newest audit entry: what was logged before the stream is not its. */
export const INSERT_LOG_STREAM = `
  INSERT INTO log_streams (id, name, status, sink, sealed_authorization, sealed_secret, filters, delivered_id, failures, next_attempt_at, created_at, updated_at)
  SELECT ?, ?, ?, ?, ?, ?, ?, coalesce(max(id), 0), 0, ?, ?, ? FROM audit_log RETURNING *`;

export function logStreamValues(stream: LogStreamRecord, encoding: ColumnEncoding): unknown[] {
  const { id, name, status, sealedSecret } = stream;
  const times = [stream.nextAttemptAt, stream.createdAt, stream.updatedAt].map((time) => encoding.time(time));
  return [id, name, status, JSON.stringify(stream.sink), stream.sealedAuthorization ?? null, sealedSecret, JSON.stringify(stream.filters), ...times];
}

/** A PATCH; "active" also clears a suspension and makes the stream due at once. */
export const UPDATE_LOG_STREAM = `
  UPDATE log_streams SET name = coalesce(?, name), status = coalesce(?, status), sink = coalesce(?, sink), filters = coalesce(?, filters),
    sealed_authorization = CASE WHEN ? = 1 THEN ? ELSE sealed_authorization END,
    failures = CASE WHEN ? = 1 THEN 0 ELSE failures END,
    last_error = CASE WHEN ? = 1 THEN NULL ELSE last_error END,
    suspended_reason = CASE WHEN ? = 1 THEN NULL ELSE suspended_reason END,
    next_attempt_at = CASE WHEN ? = 1 THEN ? ELSE next_attempt_at END,
    updated_at = ?
  WHERE id = ? RETURNING *`;

export function logStreamChangeValues(id: string, change: LogStreamChange, now: Date, encoding: ColumnEncoding): unknown[] {
  const json = (value: object | undefined) => (value ? JSON.stringify(value) : null);
  const resume = change.status === 'active' ? 1 : 0;
  const setAuthorization = change.sealedAuthorization !== undefined ? 1 : 0;
  const at = encoding.time(now);
  return [change.name ?? null, change.status ?? null, json(change.sink), json(change.filters), setAuthorization, change.sealedAuthorization ?? null, resume, resume, resume, resume, at, at, id];
}

/** Compare-and-set on the row: active, due, and not leased by someone else (or the lease ran out). */
export const LEASE_LOG_STREAM = `
  UPDATE log_streams SET lease_owner = ?, lease_until = ?
  WHERE id = ? AND status = 'active' AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ? OR lease_owner = ?)
  RETURNING *`;

export function leaseValues(id: string, owner: string, now: Date, until: Date, encoding: ColumnEncoding): unknown[] {
  return [owner, encoding.time(until), id, encoding.time(now), encoding.time(now), owner];
}

/** Only the lease holder; the cursor never moves back; a stream paused meanwhile stays paused. */
export const FINISH_DELIVERY = `
  UPDATE log_streams SET delivered_id = CASE WHEN delivered_id > ? THEN delivered_id ELSE ? END, failures = ?, last_error = ?, suspended_reason = ?,
    status = CASE WHEN status = 'active' THEN ? ELSE status END, next_attempt_at = ?, last_delivery_at = coalesce(?, last_delivery_at),
    lease_owner = NULL, lease_until = NULL, updated_at = ?
  WHERE id = ? AND lease_owner = ? RETURNING status`;

export function finishValues(id: string, owner: string, state: DeliveryState, now: Date, encoding: ColumnEncoding): unknown[] {
  const { deliveredId, failures } = state;
  const lastDelivery = state.lastDeliveryAt ? encoding.time(state.lastDeliveryAt) : null;
  const problem = [state.lastError ?? null, state.suspendedReason ?? null];
  return [deliveredId, deliveredId, failures, ...problem, state.status, encoding.time(state.nextAttemptAt), lastDelivery, encoding.time(now), id, owner];
}
