// Every /dashboard request passes here: a POST must carry a valid CSRF token from our own origin
// (checked first, so a cross-site POST is refused outright); then an anonymous visitor is sent to
// /login (and back afterwards), a signed-in non-administrator gets 403, and an admin goes on.
import type { Context, Next } from 'koa';
import type { AppDeps } from '../context.js';
import type { User } from '../../users/types.js';
import type { Actor } from '../../audit/types.js';
import type { BodyFields } from '../body.js';
import { readFields } from '../body.js';
import { currentSession } from '../../sso/sessions.js';
import { isLocalPath, savePendingLogin } from '../../sso/pending-login.js';
import { sessionCookie } from '../cookies.js';
import { renderOutcome } from '../outcome.js';
import { pathFor } from '../../route-paths.js';

/** Pasted SP metadata can be large (several certificates); everything else is small. */
const FORM_LIMIT = 256 * 1024;

export interface DashboardState {
  user: User;
  /** The submitted form of a POST, already CSRF-checked. */
  form: BodyFields;
}

export const dashboardState = (ctx: Context): DashboardState => ctx.state.dashboard as DashboardState;

/** Who did it, for the audit log: the signed-in administrator and their address. */
export const adminActor = (ctx: Context): Actor => ({ type: 'user', id: dashboardState(ctx).user.userId, ip: ctx.ip });

export function dashboardGuard(deps: AppDeps) {
  const { store, clock, ids, csrf, renderer } = deps;
  return async (ctx: Context, next: Next): Promise<void> => {
    let form: BodyFields = {};
    if (ctx.method === 'POST') {
      form = await readFields(ctx, FORM_LIMIT);
      csrf.verify(ctx, form.csrf);
    }
    const now = clock.now();
    const active = await currentSession(store, sessionCookie(ctx), now);
    if (!active) {
      const returnTo = ctx.method === 'GET' && isLocalPath(ctx.url) ? ctx.url : pathFor('dashboard');
      const state = await savePendingLogin(store, ids, () => ({ returnTo, applicationName: 'the fedmeta dashboard' }), now);
      renderOutcome(ctx, deps, { kind: 'login', state });
      return;
    }
    if (!active.user.admin) {
      renderer.render(ctx, 'dashboard/forbidden.html', { email: active.user.email, csrf: csrf.issue(ctx) }, { status: 403 });
      return;
    }
    ctx.state.dashboard = { user: active.user, form } satisfies DashboardState;
    await next();
  };
}
