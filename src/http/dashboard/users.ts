// Manage > Users: every user with their role, and "Make administrator" / "Remove administrator"
// with a confirmation page. The change goes through UserService.setAdmin (audited, and refusing
// to let an administrator remove their own role, 409); the Management API can never do this.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { User } from '../../users/types.js';
import { pageNumber } from '../management/logs.js';
import { ownAdminRole } from '../../errors.js';
import { adminActor, dashboardState } from './guard.js';
import { pathFor } from '../../route-paths.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';

const USERS_PAGE = pathFor('dashboard-users');
const PER_PAGE = 50;

function userRow(user: User, me: User) {
  const id = user.userId;
  return {
    userId: user.userId,
    email: user.email,
    name: user.name,
    admin: user.admin,
    me: user.userId === me.userId,
    created: formatDate(user.createdAt),
    grantHref: user.admin ? undefined : pathFor('dashboard-user-grant-admin', { id }),
    revokeHref: user.admin && user.userId !== me.userId ? pathFor('dashboard-user-revoke-admin', { id }) : undefined,
  };
}

export function userPageHandlers({ users }: AppDeps, pages: DashboardPages) {
  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const me = dashboardState(ctx).user;
      const rows = (await users.list(page, PER_PAGE + 1)).map((user) => userRow(user, me));
      pages.render(ctx, 'users.html', 'users', {
        title: 'Users',
        rows: rows.slice(0, PER_PAGE),
        page,
        newer: page > 0 ? pathFor('dashboard-users', {}, { page: page - 1 }) : undefined,
        older: rows.length > PER_PAGE ? pathFor('dashboard-users', {}, { page: page + 1 }) : undefined,
      });
    },

    confirm: (admin: boolean) => async (ctx: Context) => {
      const user = await users.get(String(ctx.params.id));
      const me = dashboardState(ctx).user;
      // Asking is refused like doing: the confirmation page never offers what the POST would refuse.
      if (!admin && user.userId === me.userId) throw ownAdminRole();
      pages.render(ctx, 'confirm-admin.html', 'users', { title: admin ? 'Make administrator' : 'Remove administrator', admin, target: userRow(user, me) });
    },

    change: (admin: boolean) => async (ctx: Context) => {
      const user = await users.setAdmin(String(ctx.params.id), admin, adminActor(ctx));
      pages.redirect(ctx, USERS_PAGE, 'ok', admin ? `${user.email} is now an administrator.` : `${user.email} is no longer an administrator.`);
    },
  };
}
