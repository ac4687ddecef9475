// The dashboard's handlers, one group per page; src/routes.ts maps them to /dashboard/… paths.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { dashboardGuard } from './guard.js';
import { dashboardPages } from './page.js';
import { signingKeyHandlers } from './signing-keys.js';
import { applicationHandlers } from './applications.js';
import { logPageHandlers } from './logs.js';
import { logStreamPageHandlers } from './log-streams.js';
import { apiClientPages } from './api-clients.js';
import { rolloverPages } from './rollover.js';
import { userPageHandlers } from './users.js';
import { pathFor } from '../../route-paths.js';

export function dashboardHandlers(deps: AppDeps) {
  const pages = dashboardPages(deps);
  return {
    guard: dashboardGuard(deps),
    home: (ctx: Context) => {
      ctx.status = 303;
      ctx.redirect(pathFor('dashboard-signing-keys'));
    },
    keys: signingKeyHandlers(deps, pages),
    apps: applicationHandlers(deps, pages),
    logs: logPageHandlers(deps, pages),
    logStreams: logStreamPageHandlers(deps, pages),
    apiClients: apiClientPages(deps, pages),
    rollover: rolloverPages(deps, pages),
    users: userPageHandlers(deps, pages),
  };
}
