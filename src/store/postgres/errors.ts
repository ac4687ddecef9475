// The one place where PostgreSQL driver errors become fedmeta errors. A lost or refused database
// connection is a 503 `service_unavailable` (published documents keep being served from memory);
// constraint violations the callers expect become their own errors at the call site.
import { FedmetaError, serviceUnavailable } from '../../errors.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** SQLSTATEs that mean "the server cannot serve this connection now" (not "your query is wrong"). */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);

const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Client was closed and is not queryable/i,
  /Cannot use a pool after calling end/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  if (error instanceof FedmetaError) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true;
  }
  if (typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Node's happy-eyeballs connect reports an AggregateError of per-address failures.
  return Array.isArray(errors) && errors.length > 0 && errors.every(isConnectionError);
}

export const DATABASE_UNAVAILABLE_MESSAGE =
  'The database is unreachable: changes are refused until it is back (published documents are still served). Retry in a few seconds.';

/** Connection problems → 503 service_unavailable with Retry-After; anything else unchanged. */
export function translatePgError(error: unknown): unknown {
  return isConnectionError(error) ? serviceUnavailable(DATABASE_UNAVAILABLE_MESSAGE, { 'Retry-After': '5' }) : error;
}

/** `23505 unique_violation` on the named constraint (or any, when none is given). */
export function isUniqueViolation(error: unknown, constraint?: string | RegExp): boolean {
  const { code, constraint: name } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23505') return false;
  if (constraint === undefined) return true;
  if (typeof name !== 'string') return false;
  return typeof constraint === 'string' ? name === constraint : constraint.test(name);
}

/** Retry-safe transaction failures: serialization failure and deadlock. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '40001' || code === '40P01';
}

/** A unique violation becomes the 409 conflict the caller names; anything else is rethrown as is. */
export function uniqueConflict(error: unknown, message: string): unknown {
  return isUniqueViolation(error) ? new FedmetaError(409, 'conflict', message) : error;
}
