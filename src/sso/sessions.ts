// Browser sessions for SSO, from the session cookie's value: a random value whose SHA-256 alone is
// stored, so a copy of the database holds no usable session. Setting the cookie is the http layer's part.
import { createHash, randomBytes } from 'node:crypto';
import type { SessionRecord, Store } from '../store/store.js';
import type { User } from '../users/types.js';

export const SESSION_COOKIE = 'fedmeta_session';
const SESSION_HOURS = 8;
/** Longer values are never ours: not even hashed. */
const MAX_COOKIE_LENGTH = 100;

export const hashToken = (value: string) => createHash('sha256').update(value).digest('base64url');

export interface ActiveSession {
  session: SessionRecord;
  user: User;
}

/** A new session for `user`: the record stored and the cookie value to give the browser. */
export async function startSession(store: Store, user: User, now: Date): Promise<{ session: SessionRecord; cookieValue: string }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const session: SessionRecord = {
    idHash: hashToken(cookieValue),
    userId: user.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
    participants: [],
  };
  await store.createSession(session);
  return { session, cookieValue };
}

const usableCookie = (value: string | undefined): value is string => !!value && value.length <= MAX_COOKIE_LENGTH;

/** The live session (and its user) the cookie value names, if any. */
export async function currentSession(store: Store, cookieValue: string | undefined, now: Date): Promise<ActiveSession | undefined> {
  if (!usableCookie(cookieValue)) return undefined;
  const session = await store.getSession(hashToken(cookieValue), now);
  if (!session) return undefined;
  const user = await store.getUser(session.userId);
  return user ? { session, user } : undefined;
}

/** Deletes the session the cookie value names; the caller clears the cookie (clearSession). */
export async function endSession(store: Store, cookieValue: string | undefined): Promise<void> {
  if (usableCookie(cookieValue)) await store.deleteSession(hashToken(cookieValue));
}
