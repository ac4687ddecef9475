// The users port. Every change writes its audit entries in the same transaction.
import type { AuditInput } from '../audit/types.js';
import type { User } from './types.js';
import type { UserFilter } from './query.js';

/** The columns a PATCH may change; only those given are written (a concurrent change to another stays). */
export interface UserChanges {
  name?: string;
  attributes?: User['attributes'];
  passwordHash?: string;
  blocked?: boolean;
}

export interface UserPage {
  filter?: UserFilter | undefined;
  page: number;
  perPage: number;
}

export interface UserUpdate {
  audits: AuditInput[];
  endSessions: boolean;
  now: Date;
  unchangedSince?: Date | undefined;
}

export interface UserStore {
  /** 409 when the email (same emailKey, store/rows.ts) is taken. */
  createUser(user: User, audit: AuditInput): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  findUserByEmail(email: string): Promise<User | undefined>;
  /** Oldest first; `filter` is a parsed Auth0 `q` (users/query.ts). */
  listUsers(options: UserPage): Promise<User[]>;
  countUsers(filter?: UserFilter): Promise<number>;
  /** Ends the user's sessions too. */
  deleteUser(userId: string, audit: AuditInput, now: Date): Promise<boolean>;
  /** Grants or removes the administrator role; false (and no audit entry) when there is no such user. */
  setUserAdmin(userId: string, admin: boolean, audit: AuditInput, now: Date): Promise<boolean>;
  /**
   * Writes `changes` (and updated_at = now) and the audit entries; with `endSessions`, deletes every
   * session of the user in the same transaction (every instance reads sessions from the store).
   * With `unchangedSince`, only if the user's updated_at still equals it. false (nothing written) when there is
   * no such user, or it changed since.
   */
  updateUser(userId: string, changes: UserChanges, options: UserUpdate): Promise<boolean>;
}
