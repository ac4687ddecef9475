// Pure pieces of delivery: which entries a stream wants, the body, its signature, and what a
// success or a failure does to the stream's state (exponential backoff, suspension).
import { createHmac } from 'node:crypto';
import type { AuditEntry } from '../audit/types.js';
import { eventCategory } from '../audit/event-types.js';
import type { LogStreamSettings } from '../config.js';
import type { ContentFormat, DeliveryState, LogStreamFilter, StreamedEntry } from './types.js';

/** The header that carries `sha256=<hex HMAC-SHA256 of the body, keyed with the stream's secret>`. */
export const SIGNATURE_HEADER = 'X-Fedmeta-Signature';

/** No filters: everything. Otherwise the entries whose category is listed. */
export function wanted(entries: StreamedEntry[], filters: LogStreamFilter[]): AuditEntry[] {
  if (filters.length === 0) return entries.map(({ entry }) => entry);
  const names = new Set(filters.map((filter) => filter.name));
  return entries.filter(({ entry }) => names.has(eventCategory(entry.event))).map(({ entry }) => entry);
}

export function deliveryBody(entries: AuditEntry[], format: ContentFormat): string {
  return format === 'JSONLINES' ? entries.map((entry) => JSON.stringify(entry)).join('\n') : JSON.stringify(entries);
}

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function delivered(state: DeliveryState, lastId: number, now: Date): DeliveryState {
  return { ...state, deliveredId: Math.max(state.deliveredId, lastId), failures: 0, lastError: undefined, nextAttemptAt: now, lastDeliveryAt: now };
}

/** Retry after base·2^(failures-1), at most retryMaxMs; suspended after maxFailures in a row. */
export function failed(state: DeliveryState, error: string, now: Date, settings: LogStreamSettings): DeliveryState {
  const failures = state.failures + 1;
  const delay = Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.min(failures - 1, 30));
  const next = { ...state, failures, lastError: error, nextAttemptAt: new Date(now.getTime() + delay) };
  if (failures < settings.maxFailures) return next;
  return { ...next, status: 'suspended', suspendedReason: `${failures} consecutive delivery failures; the last: ${error}` };
}
