// The session cookie's value and what the store keeps of it: a random value whose SHA-256 alone is
// stored, so a copy of the database holds no usable session. The lifecycle is src/sso/sessions.ts.
import { createHash } from 'node:crypto';

export const SESSION_COOKIE = 'fedmeta_session';
/** Longer values are never ours: not even hashed. */
const MAX_COOKIE_LENGTH = 100;

export const hashToken = (value: string) => createHash('sha256').update(value).digest('base64url');

/** The stored id (hash) of the session a cookie value names, if the value is plausible at all. */
export function sessionIdHash(cookieValue: string | undefined): string | undefined {
  return cookieValue && cookieValue.length <= MAX_COOKIE_LENGTH ? hashToken(cookieValue) : undefined;
}
