import { xmlSafe } from './text.js';
import type { MetadataObject } from './metadata.js';

export interface User {
  userId: string;
  email: string;
  name: string;
  admin: boolean;
  /** A blocked user cannot sign in; blocking ends their sessions. */
  blocked: boolean;
  /** Auth0's user_metadata (bounded JSON, users/metadata.ts); its top-level strings are releasable attributes. */
  attributes: MetadataObject;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The profile an application's mappings read from: user_id, email, name and the top-level string metadata. */
export function profileOf(user: User): Record<string, string> {
  const strings = Object.entries(user.attributes).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  const profile: Record<string, string> = { ...Object.fromEntries(strings), user_id: user.userId, email: user.email, name: user.name };
  // Stored data must never break a sign-in: what XML 1.0 cannot carry is dropped from every value.
  return Object.fromEntries(Object.entries(profile).map(([key, value]) => [key, xmlSafe(value)]));
}

/** A user as the Management API shows it (Auth0's members): never the password hash. */
export function userView(user: User) {
  return {
    user_id: user.userId,
    email: user.email,
    name: user.name,
    admin: user.admin,
    blocked: user.blocked,
    user_metadata: user.attributes,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
