// End users (and dashboard administrators): scrypt password hashes, never returned. Every change is
// audited (actor, user id, never a password); blocking, a new password and removal end the user's
// sessions in the same transaction, so no instance honours them any more.
import type { UserStore } from './user-store.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { type Actor } from '../audit/types.js';
import { conflict, invalidBody, notFound, ownAccount, ownAdminRole } from '../errors.js';
import { normalizeEmail } from './email.js';
import { hashSecret } from '../auth/passwords.js';
import { validMetadata } from './metadata.js';
import { checkPatch, patchAudits, validName, validPassword } from './changes.js';
import { parseUserQuery } from './query.js';
import type { User } from './types.js';

export interface NewUserInput {
  email: unknown;
  password: unknown;
  name?: unknown;
  admin?: unknown;
  user_metadata?: unknown;
}

export interface UserSearch {
  /** Auth0's `q` (users/query.ts); empty or absent: everyone. */
  q?: string | undefined;
  page: number;
  perPage: number;
  includeTotals?: boolean;
}

/** Auth0's paged answer with include_totals=true. */
export interface UserSearchResult {
  users: User[];
  start: number;
  limit: number;
  length: number;
  total?: number;
}

/** A user's own account, changed by themselves in the dashboard (they would lock themselves out). */
const isSelf = (actor: Actor, userId: string) => actor.type === 'user' && actor.id === userId;

export class UserService {
  constructor(private readonly deps: { store: UserStore; clock: Clock; ids: Pick<Ids, 'userId'> }) {}

  async create(input: NewUserInput, actor: Actor): Promise<User> {
    const email = normalizeEmail(input.email, 'email');
    const password = validPassword(input.password);
    const name = validName(input.name);
    if (input.admin !== undefined && typeof input.admin !== 'boolean') throw invalidBody('admin must be true or false');
    const now = this.deps.clock.now();
    const user: User = {
      userId: this.deps.ids.userId(),
      email,
      name: name ?? email,
      admin: input.admin === true,
      blocked: false,
      attributes: validMetadata(input.user_metadata),
      passwordHash: await hashSecret(password),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.store.createUser(user, {
      event: 'user_created',
      description: `Created ${user.admin ? 'administrator' : 'user'} ${email}`,
      actor,
      details: { user_id: user.userId },
    });
    return user;
  }

  /** A page of users, oldest first, matching Auth0's `q`; with includeTotals, how many match in all. */
  async search({ q, page, perPage, includeTotals }: UserSearch): Promise<UserSearchResult> {
    const filter = q ? parseUserQuery(q) : undefined;
    const users = await this.deps.store.listUsers({ filter, page, perPage });
    const total = includeTotals ? await this.deps.store.countUsers(filter) : undefined;
    return { users, start: page * perPage, limit: perPage, length: users.length, ...(total !== undefined ? { total } : {}) };
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

  /** By e-mail address when the text has an @, else by user_id (the CLI's EMAIL_OR_ID). */
  findByEmailOrId(text: string): Promise<User> {
    return text.includes('@') ? this.findByEmail(text) : this.get(text);
  }

  /**
   * Grants or removes the dashboard administrator role (CLI, or an administrator in the dashboard;
   * never the Management API). An administrator cannot remove their own role.
   */
  async setAdmin(userId: string, admin: boolean, actor: Actor): Promise<User> {
    const user = await this.get(userId);
    if (!admin && isSelf(actor, userId)) throw ownAdminRole();
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

  /**
   * Auth0's PATCH: name, password (the same policy as at creation, scrypt-hashed), user_metadata (merged
   * at the root) and blocked. Blocking or a new password ends every session of the user.
   */
  async update(userId: string, input: Record<string, unknown>, actor: Actor): Promise<User> {
    let passwordHash: string | undefined;
    for (let attempt = 1; ; attempt += 1) {
      const user = await this.get(userId);
      const patch = checkPatch(user, input);
      if (patch.blocked === true && isSelf(actor, userId)) throw ownAccount('block');
      if (patch.password !== undefined) passwordHash ??= await hashSecret(patch.password);
      const changes = {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.attributes !== undefined ? { attributes: patch.attributes } : {}),
        ...(passwordHash !== undefined ? { passwordHash } : {}),
        ...(patch.blocked !== undefined ? { blocked: patch.blocked } : {}),
      };
      const now = this.deps.clock.now();
      const endSessions = patch.blocked === true || patch.password !== undefined;
      // user_metadata is merged with what was read: written only if nobody changed the user since, else read again.
      const unchangedSince = patch.attributes !== undefined ? user.updatedAt : undefined;
      const audits = patchAudits(user, patch, actor);
      if (await this.deps.store.updateUser(userId, changes, { audits, endSessions, now, unchangedSince })) return { ...user, ...changes, updatedAt: now };
      if (unchangedSince === undefined) throw notFound(`No user with user_id "${userId}"`);
      if (attempt === 3) throw conflict(`User "${userId}" kept changing while its user_metadata was merged; try again`);
    }
  }

  async remove(userId: string, actor: Actor): Promise<void> {
    if (isSelf(actor, userId)) throw ownAccount('remove');
    const user = await this.get(userId);
    await this.deps.store.deleteUser(userId, { event: 'user_deleted', description: `Deleted user ${user.email}`, actor, details: { user_id: userId } }, this.deps.clock.now());
  }
}
