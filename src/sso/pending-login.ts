// A sign-in in progress: what to resume after /login (the pending SAML or WS-Fed request),
// kept server-side under a random id that travels in the login form's hidden `state` field.
import type { LoginStateStore } from '../auth/session-store.js';
import { loginExpired } from '../errors.js';
import type { Ids } from '../ids.js';
import { currentSession, type ActiveSession, type SessionReader } from './sessions.js';
import type { Outcome } from './outcome.js';

const TEN_MINUTES = 10 * 60_000;

export interface PendingLogin {
  /** A local path (never an absolute URL) to continue at after sign-in. */
  returnTo: string;
  applicationName?: string;
  /** Protocol-specific data the resuming use case needs. */
  payload?: unknown;
  /** Ask for the password even when a session exists (SAML ForceAuthn, WS-Fed wfresh). */
  forceLogin?: boolean;
  /** When the request arrived (epoch ms); with forceLogin only a sign-in after it counts. Set on save. */
  since?: number;
}

export function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') && !/[\r\n]/.test(path);
}

/** Saves a pending sign-in; `describe` gets its id (to put in returnTo) and returns the record. */
export async function savePendingLogin(store: Pick<LoginStateStore, 'putLoginState'>, ids: Pick<Ids, 'pendingLoginId'>, describe: (id: string) => PendingLogin, now: Date): Promise<string> {
  const id = ids.pendingLoginId();
  const pending = { ...describe(id), since: now.getTime() };
  if (!isLocalPath(pending.returnTo)) throw new Error('returnTo must be a local path');
  await store.putLoginState(id, JSON.stringify(pending), new Date(now.getTime() + TEN_MINUTES));
  return id;
}

export async function loadPendingLogin(store: Pick<LoginStateStore, 'getLoginState'>, id: unknown, now: Date): Promise<PendingLogin | undefined> {
  if (typeof id !== 'string' || !/^[\w-]{32}$/.test(id)) return undefined;
  const data = await store.getLoginState(id, now);
  return data ? (JSON.parse(data) as PendingLogin) : undefined;
}

export type Resumed<T> = { payload: T; active: ActiveSession } | { outcome: Outcome };

/**
 * After /login, at a `…/resume/:state` route: the request that was waiting and the session that answers
 * it, the state used up. Without a session (or, when a fresh sign-in was asked for, without one begun
 * after the request) the outcome sends the browser back to /login.
 */
export async function resumePendingLogin<T>(store: LoginStateStore & SessionReader, state: string, sessionCookie: string | undefined, now: Date): Promise<Resumed<T>> {
  const pending = await loadPendingLogin(store, state, now);
  if (!pending) throw loginExpired();
  const active = await currentSession(store, sessionCookie, now);
  if (!active || (pending.forceLogin && active.session.createdAt.getTime() < (pending.since ?? 0))) {
    return { outcome: { kind: 'login', state } };
  }
  await store.deleteLoginState(state);
  return { payload: pending.payload as T, active };
}
