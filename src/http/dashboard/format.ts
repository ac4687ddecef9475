// Small, pure formatting helpers for dashboard pages (dates, durations, labels).
import type { KeyState } from '../../keys/types.js';
import { eventOf, type AuditEventType } from '../../audit/types.js';

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

const AUDIT_LABELS: Partial<Record<AuditEventType, string>> = {
  login_succeeded: 'Sign-in',
  login_failed: 'Failed sign-in',
  logout: 'Sign-out',
};

/** A readable label for a logged audit type: `key_rotated` → "Key rotated", `s` → "Sign-in". */
export function auditLabel(type: string): string {
  const event = eventOf(type);
  const known = event && AUDIT_LABELS[event];
  if (known) return known;
  const words = type.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The badge colour of an audit event: keys, clients, users or sign-ins. */
export function auditCategory(type: string): string {
  const event = eventOf(type) ?? type;
  if (event.startsWith('key')) return 'key';
  if (event.startsWith('client')) return 'client';
  if (event === 'login_failed' || type.includes('fail')) return 'failure';
  if (event === 'login_succeeded' || event === 'logout' || event.startsWith('user')) return 'user';
  return 'other';
}
