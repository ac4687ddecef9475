// What an administrator can do to a user from Manage > Users, each confirmed on its own page and
// POSTed with CSRF: the route is `dashboard-user-<action>`; the change goes through UserService, so
// it is audited like the CLI's and the Management API's, and refused on one's own account where it
// would lock the administrator out.
import type { Actor } from '../../audit/types.js';
import type { User } from '../../users/types.js';
import type { UserService } from '../../users/service.js';
import { ownAccount, ownAdminRole } from '../../errors.js';

export const USER_ACTIONS = ['grant-admin', 'revoke-admin', 'block', 'unblock', 'remove'] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

/** Whether the row of `user` offers `action` to `me` (the confirmation page refuses what is not offered). */
export function offers(action: UserAction, user: User, me: User): boolean {
  const self = user.userId === me.userId;
  switch (action) {
    case 'grant-admin':
      return !user.admin;
    case 'revoke-admin':
      return user.admin && !self;
    case 'block':
      return !user.blocked && !self;
    case 'unblock':
      return user.blocked;
    case 'remove':
      return !self;
  }
}

/** The refusal for an action not offered on one's own account (409), or undefined. */
export function selfRefusal(action: UserAction, user: User, me: User) {
  if (user.userId !== me.userId) return undefined;
  if (action === 'revoke-admin') return ownAdminRole();
  if (action === 'block' || action === 'remove') return ownAccount(action);
  return undefined;
}

/** Does it; the flash message for the Users page. */
export async function perform(users: UserService, action: UserAction, userId: string, actor: Actor): Promise<string> {
  switch (action) {
    case 'grant-admin':
    case 'revoke-admin': {
      const user = await users.setAdmin(userId, action === 'grant-admin', actor);
      return action === 'grant-admin' ? `${user.email} is now an administrator.` : `${user.email} is no longer an administrator.`;
    }
    case 'block':
    case 'unblock': {
      const user = await users.update(userId, { blocked: action === 'block' }, actor);
      return action === 'block' ? `${user.email} is blocked: their sessions have ended and they cannot sign in.` : `${user.email} is unblocked and can sign in again.`;
    }
    case 'remove': {
      const user = await users.get(userId);
      await users.remove(userId, actor);
      return `${user.email} was removed; their sessions have ended.`;
    }
  }
}
