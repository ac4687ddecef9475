// Manage > Users: every user (searched with Auth0's `q`, paged) with their role and whether they are
// blocked, and the actions of user-actions.ts, each behind a confirmation page. Admin only (the guard).
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { User } from '../../users/types.js';
import { pageNumber } from '../management/logs.js';
import { FedmetaError } from '../../errors.js';
import { adminActor, dashboardState } from './guard.js';
import { pathFor } from '../../route-paths.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';
import { offers, perform, selfRefusal, USER_ACTIONS, type UserAction } from './user-actions.js';

const USERS_PAGE = pathFor('dashboard-users');
const PER_PAGE = 50;

function userRow(user: User, me: User) {
  const id = user.userId;
  const actions = USER_ACTIONS.filter((action) => offers(action, user, me)).map((action) => ({ action, href: pathFor(`dashboard-user-${action}`, { id }) }));
  return { userId: id, email: user.email, name: user.name, admin: user.admin, blocked: user.blocked, me: id === me.userId, created: formatDate(user.createdAt), actions };
}

/** The users page's search: Auth0's `q`; a query that does not parse is shown, not thrown. */
async function searchPage(users: AppDeps['users'], q: string, page: number) {
  try {
    return { result: await users.search({ q, page, perPage: PER_PAGE, includeTotals: true }) };
  } catch (error) {
    if (error instanceof FedmetaError && error.code === 'invalid_query_string') return { searchError: error.message };
    throw error;
  }
}

export function userPageHandlers({ users }: AppDeps, pages: DashboardPages) {
  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const q = typeof ctx.query.q === 'string' ? ctx.query.q : '';
      const me = dashboardState(ctx).user;
      const { result, searchError } = await searchPage(users, q, page);
      const total = result?.total ?? 0;
      const link = (to: number) => pathFor('dashboard-users', {}, q ? { q, page: to } : { page: to });
      pages.render(ctx, 'users.html', 'users', {
        title: 'Users',
        q,
        searchError,
        total,
        rows: (result?.users ?? []).map((user) => userRow(user, me)),
        page,
        newer: page > 0 ? link(page - 1) : undefined,
        older: (page + 1) * PER_PAGE < total ? link(page + 1) : undefined,
      });
    },

    confirm: (action: UserAction) => async (ctx: Context) => {
      const user = await users.get(String(ctx.params.id));
      const me = dashboardState(ctx).user;
      // Asking is refused like doing: the confirmation page never offers what the POST would refuse.
      const refusal = selfRefusal(action, user, me);
      if (refusal) throw refusal;
      pages.render(ctx, 'confirm-user.html', 'users', { title: 'Confirm', action, target: userRow(user, me), href: pathFor(`dashboard-user-${action}`, { id: user.userId }) });
    },

    change: (action: UserAction) => async (ctx: Context) => {
      const message = await perform(users, action, String(ctx.params.id), adminActor(ctx));
      pages.redirect(ctx, USERS_PAGE, 'ok', message);
    },
  };
}
