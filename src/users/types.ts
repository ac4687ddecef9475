import { xmlSafe } from './text.js';

export interface User {
  userId: string;
  email: string;
  name: string;
  admin: boolean;
  /** Extra profile fields (strings) that application mappings may release as attributes. */
  attributes: Record<string, string>;
  passwordHash: string;
  createdAt: Date;
}

/** The profile an application's mappings read from: user_id, email, name and the extra attributes. */
export function profileOf(user: User): Record<string, string> {
  // Stored data must never break a sign-in: what XML 1.0 cannot carry is dropped from every value.
  const profile: Record<string, string> = { ...user.attributes, user_id: user.userId, email: user.email, name: user.name };
  return Object.fromEntries(Object.entries(profile).map(([key, value]) => [key, typeof value === 'string' ? xmlSafe(value) : ''])) as Record<string, string>;
}

/** A user as the Management API shows it: never the password hash. */
export function userView(user: User) {
  return {
    user_id: user.userId,
    email: user.email,
    name: user.name,
    admin: user.admin,
    user_metadata: user.attributes,
    created_at: user.createdAt.toISOString(),
  };
}
