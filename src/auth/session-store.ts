// The sign-in state ports: browser sessions, logins in progress, the replay cache of signed request
// IDs and the record of completed sign-ins. Expired rows are invisible to every read; `purgeExpired`
// (store/store.ts) deletes them.
import type { AuditInput } from '../audit/types.js';

/** A service provider / relying party the session has signed in to (for single logout). */
export interface SessionParticipant {
  clientId: string;
  sessionIndex: string;
  nameId: string;
  nameIdFormat: string;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value; the cookie value itself is never stored. */
  idHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  participants: SessionParticipant[];
}

/** A session without its participants: what a sign-in needs (the participants list only grows). */
export type LiveSession = Omit<SessionRecord, 'participants'>;

/** A completed sign-in: its audit entry and, for SAML, whom the session signed in to (for single logout). */
export interface SignInRecord {
  at: Date;
  audit: AuditInput;
  participant?: SessionParticipant & { idHash: string };
}

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string, now: Date): Promise<SessionRecord | undefined>;
  /** The session without its participants (one row). */
  getLiveSession(idHash: string, now: Date): Promise<LiveSession | undefined>;
  /**
   * Records completed sign-ins in one transaction without waiting for the disk (SQLite
   * synchronous=NORMAL, PostgreSQL synchronous_commit=off): recoverable data, never key changes. A
   * participant whose session is gone (signed out, expired) is left out. Through the group commit
   * (store/group-commit.ts) this queues instead, and commits within FEDMETA_SIGNIN_COMMIT_MS.
   */
  recordSignIns(records: readonly SignInRecord[]): Promise<void>;
  /** The session that was given this SessionIndex, if it is still alive. */
  findSessionBySessionIndex(sessionIndex: string, now: Date): Promise<SessionRecord | undefined>;
  deleteSession(idHash: string): Promise<void>;
}

/** Short-lived state of a login in progress (the pending SAML/WS-Fed request). */
export interface LoginStateStore {
  putLoginState(id: string, data: string, expiresAt: Date): Promise<void>;
  getLoginState(id: string, now: Date): Promise<string | undefined>;
  deleteLoginState(id: string): Promise<void>;
}

export interface RequestIdStore {
  /** true the first time (issuer, id) is seen before expiresAt, or once its earlier sighting expired; false for a replay. */
  rememberRequestId(issuer: string, id: string, expiresAt: Date, now: Date): Promise<boolean>;
}

/** Everything a sign-in keeps between requests. */
export type SignInStateStore = SessionStore & LoginStateStore & RequestIdStore;
