// A sign-in in progress: what to resume after /login (the pending SAML or WS-Fed request),
// kept server-side under a random id that travels in the login form's hidden `state` field.
import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';

const TEN_MINUTES = 10 * 60_000;

export interface PendingLogin {
  /** A local path (never an absolute URL) to continue at after sign-in. */
  returnTo: string;
  applicationName?: string;
  /** Protocol-specific data the resuming handler needs. */
  payload?: unknown;
  /** Ask for the password even when a session exists (SAML ForceAuthn). */
  forceLogin?: boolean;
}

export function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') && !/[\r\n]/.test(path);
}

/** Saves a pending sign-in; `describe` gets its id (to put in returnTo) and returns the record. */
export async function savePendingLogin(store: Store, describe: (id: string) => PendingLogin, now: Date): Promise<string> {
  const id = randomBytes(24).toString('base64url');
  const pending = describe(id);
  if (!isLocalPath(pending.returnTo)) throw new Error('returnTo must be a local path');
  await store.putLoginState(id, JSON.stringify(pending), new Date(now.getTime() + TEN_MINUTES));
  return id;
}

export async function loadPendingLogin(store: Store, id: unknown, now: Date): Promise<PendingLogin | undefined> {
  if (typeof id !== 'string' || !/^[\w-]{32}$/.test(id)) return undefined;
  const data = await store.getLoginState(id, now);
  return data ? (JSON.parse(data) as PendingLogin) : undefined;
}
