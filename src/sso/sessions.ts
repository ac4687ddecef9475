// Browser sessions for SSO, from the session cookie's value (src/auth/sessions.ts says how it is
// hashed). Setting the cookie is the http layer's part: a use case returns setSession/clearSession.
import type { SessionRecord, SessionStore } from '../auth/session-store.js';
import type { UserStore } from '../users/user-store.js';
import type { User } from '../users/types.js';
import type { Ids } from '../ids.js';
import { hashToken, sessionIdHash } from '../auth/sessions.js';

export { SESSION_COOKIE } from '../auth/sessions.js';
const SESSION_HOURS = 8;

/** What reading a session needs: the session, and its user. */
export type SessionReader = Pick<SessionStore, 'getSession'> & Pick<UserStore, 'getUser'>;

export interface ActiveSession {
  session: SessionRecord;
  user: User;
}

/** A new session for `user`: the record stored and the cookie value to give the browser. */
export async function startSession(store: Pick<SessionStore, 'createSession'>, ids: Pick<Ids, 'secret'>, user: User, now: Date): Promise<{ session: SessionRecord; cookieValue: string }> {
  const cookieValue = ids.secret();
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

/** The live session (and its user) the cookie value names, if any; never a blocked user's. */
export async function currentSession(store: SessionReader, cookieValue: string | undefined, now: Date): Promise<ActiveSession | undefined> {
  const idHash = sessionIdHash(cookieValue);
  if (!idHash) return undefined;
  const session = await store.getSession(idHash, now);
  if (!session) return undefined;
  const user = await store.getUser(session.userId);
  // Blocking deletes the user's sessions; a session started in the same instant still counts for nothing.
  return user && !user.blocked ? { session, user } : undefined;
}

/** Deletes the session the cookie value names; the caller clears the cookie (clearSession). */
export async function endSession(store: Pick<SessionStore, 'deleteSession'>, cookieValue: string | undefined): Promise<void> {
  const idHash = sessionIdHash(cookieValue);
  if (idHash) await store.deleteSession(idHash);
}
