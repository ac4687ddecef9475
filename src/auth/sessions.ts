// Browser sessions for SSO: a random cookie value; the store keeps only its SHA-256, so a copy of
// the database holds no usable session.
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../config.js';
import type { SessionRecord, SessionStore } from './session-store.js';
import type { UserStore } from '../users/user-store.js';
import type { User } from '../users/types.js';
import type { Ids } from '../ids.js';

export const SESSION_COOKIE = 'fedmeta_session';
const SESSION_HOURS = 8;

export const hashToken = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Sets one of our cookies: HttpOnly, SameSite=Lax, and Secure when the issuer is https. TLS usually
 * ends at a proxy, so the hop to us is plain HTTP; the configured issuer, not a request header,
 * says whether the browser's side is secure.
 */
export function setCookie(ctx: Context, config: Config, name: string, value: string, maxAge?: number): void {
  const secure = config.issuer.startsWith('https:');
  if (secure) ctx.cookies.secure = true;
  ctx.cookies.set(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', overwrite: true, ...(maxAge !== undefined ? { maxAge } : {}) });
}

export async function startSession(ctx: Context, store: Pick<SessionStore, 'createSession'>, config: Config, ids: Pick<Ids, 'secret'>, user: User, now: Date): Promise<SessionRecord> {
  const value = ids.secret();
  const session: SessionRecord = {
    idHash: hashToken(value),
    userId: user.userId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_HOURS * 3_600_000),
    participants: [],
  };
  await store.createSession(session);
  setCookie(ctx, config, SESSION_COOKIE, value);
  return session;
}

export interface ActiveSession {
  session: SessionRecord;
  user: User;
}

export async function currentSession(ctx: Context, store: Pick<SessionStore, 'getSession'> & Pick<UserStore, 'getUser'>, now: Date): Promise<ActiveSession | undefined> {
  const value = ctx.cookies.get(SESSION_COOKIE);
  if (!value || value.length > 100) return undefined;
  const session = await store.getSession(hashToken(value), now);
  if (!session) return undefined;
  const user = await store.getUser(session.userId);
  return user ? { session, user } : undefined;
}

export async function endSession(ctx: Context, store: Pick<SessionStore, 'deleteSession'>, config: Config): Promise<void> {
  const value = ctx.cookies.get(SESSION_COOKIE);
  if (value && value.length <= 100) await store.deleteSession(hashToken(value));
  setCookie(ctx, config, SESSION_COOKIE, '', 0);
}
