// End users (and dashboard administrators): scrypt password hashes, never returned.
import type { UserStore } from './user-store.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { type Actor } from '../audit/types.js';
import { invalidBody, notFound, ownAdminRole } from '../errors.js';
import { normalizeEmail } from './email.js';
import { hasControlCharacters } from './text.js';
import { hashSecret } from '../auth/passwords.js';
import type { User } from './types.js';

export interface NewUserInput {
  email: unknown;
  password: unknown;
  name?: unknown;
  admin?: unknown;
  user_metadata?: unknown;
}

function attributes(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidBody('user_metadata must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) throw invalidBody('user_metadata may hold at most 50 fields');
  for (const [key, text] of entries) {
    if (hasControlCharacters(key) || key.length > 256) throw invalidBody('user_metadata field names must be at most 256 characters without control characters');
    if (typeof text !== 'string' || text.length > 4096) throw invalidBody(`user_metadata.${key} must be a string of at most 4096 characters`);
    if (hasControlCharacters(text, true)) throw invalidBody(`user_metadata.${key} must not contain control characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export class UserService {
  constructor(private readonly deps: { store: UserStore; clock: Clock; ids: Pick<Ids, 'userId'> }) {}

  async create(input: NewUserInput, actor: Actor): Promise<User> {
    const email = normalizeEmail(input.email, 'email');
    if (typeof input.password !== 'string' || input.password.length < 8 || input.password.length > 1024) {
      throw invalidBody('password must be 8 to 1024 characters');
    }
    if (input.name !== undefined && (typeof input.name !== 'string' || input.name.length > 200)) throw invalidBody('name must be a string of at most 200 characters');
    if (typeof input.name === 'string' && hasControlCharacters(input.name)) throw invalidBody('name must not contain control characters');
    if (input.admin !== undefined && typeof input.admin !== 'boolean') throw invalidBody('admin must be true or false');
    const now = this.deps.clock.now();
    const user: User = {
      userId: this.deps.ids.userId(),
      email,
      name: (input.name as string | undefined)?.trim() || email,
      admin: input.admin === true,
      attributes: attributes(input.user_metadata),
      passwordHash: await hashSecret(input.password),
      createdAt: now,
    };
    await this.deps.store.createUser(user, {
      event: 'user_created',
      description: `Created ${user.admin ? 'administrator' : 'user'} ${email}`,
      actor,
      details: { user_id: user.userId },
    });
    return user;
  }

  list(page = 0, perPage = 50): Promise<User[]> {
    return this.deps.store.listUsers({ page, perPage });
  }

  async get(userId: string): Promise<User> {
    const user = await this.deps.store.getUser(userId);
    if (!user) throw notFound(`No user with user_id "${userId}"`);
    return user;
  }

  async findByEmail(email: unknown): Promise<User> {
    const normalized = normalizeEmail(email, 'email');
    const user = await this.deps.store.findUserByEmail(normalized);
    if (!user) throw notFound(`No user with email "${normalized}"`);
    return user;
  }

  /**
   * Grants or removes the dashboard administrator role (CLI, or an administrator in the dashboard;
   * never the Management API). An administrator cannot remove their own role.
   */
  async setAdmin(userId: string, admin: boolean, actor: Actor): Promise<User> {
    const user = await this.get(userId);
    if (!admin && actor.type === 'user' && actor.id === userId) {
      throw ownAdminRole();
    }
    if (user.admin === admin) return user;
    await this.deps.store.setUserAdmin(
      userId,
      admin,
      {
        event: admin ? 'user_admin_granted' : 'user_admin_revoked',
        description: admin ? `Made ${user.email} an administrator` : `Removed the administrator role of ${user.email}`,
        actor,
        details: { user_id: userId },
      },
      this.deps.clock.now(),
    );
    return { ...user, admin };
  }

  async remove(userId: string, actor: Actor): Promise<void> {
    const user = await this.get(userId);
    await this.deps.store.deleteUser(userId, { event: 'user_deleted', description: `Deleted user ${user.email}`, actor, details: { user_id: userId } }, this.deps.clock.now());
  }
}
