// The users port. Creating and deleting a user writes its audit entry in the same transaction.
import type { AuditInput } from '../audit/types.js';
import type { User } from './types.js';

export interface UserStore {
  /** 409 when the email (same emailKey, store/rows.ts) is taken. */
  createUser(user: User, audit: AuditInput): Promise<void>;
  getUser(userId: string): Promise<User | undefined>;
  findUserByEmail(email: string): Promise<User | undefined>;
  listUsers(options: { page: number; perPage: number }): Promise<User[]>;
  /** Ends the user's sessions too. */
  deleteUser(userId: string, audit: AuditInput, now: Date): Promise<boolean>;
  /** Grants or removes the administrator role; false (and no audit entry) when there is no such user. */
  setUserAdmin(userId: string, admin: boolean, audit: AuditInput, now: Date): Promise<boolean>;
}
