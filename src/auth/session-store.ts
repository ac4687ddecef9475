// The sign-in state ports: browser sessions, logins in progress and the replay cache of signed
// request IDs. Expired rows are invisible to every read; `purgeExpired` (store/store.ts) deletes them.
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

export interface SessionStore {
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string, now: Date): Promise<SessionRecord | undefined>;
  addSessionParticipant(idHash: string, participant: SessionParticipant): Promise<void>;
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
