// Small, pure formatting helpers for dashboard pages (dates, durations, labels).
import type { KeyState } from '../../keys/types.js';
import { auth0Code, eventCategory } from '../../audit/event-types.js';

/** `2025-06-01 14:03`, always UTC (pages say so), so administrators in any time zone read the same. */
export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

export const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`;

/** 59 → "59 seconds", 3600 → "1 hour", 17280 → "4 hours 48 minutes". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.ceil(totalSeconds));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return [plural(days, 'day'), hours ? plural(hours, 'hour') : ''].filter(Boolean).join(' ');
  return [plural(hours, 'hour'), rest ? plural(rest, 'minute') : ''].filter(Boolean).join(' ');
}

export const KEY_STATE_LABELS: Record<KeyState, string> = {
  current: 'Current',
  next: 'Next',
  previous: 'Previous',
  revoked: 'Revoked',
};

/** The badge colour of an audit event: keys, applications, refusals, users and sign-ins, or other. */
export function auditCategory(event: string): string {
  const code = auth0Code(event);
  if (code.startsWith('f') || code.startsWith('limit') || code === 'api_limit') return 'failure';
  if (eventCategory(event) === 'keys') return 'key';
  if (event.startsWith('client')) return 'client';
  if (eventCategory(event) === 'sign_in' || event.startsWith('user')) return 'user';
  return 'other';
}
