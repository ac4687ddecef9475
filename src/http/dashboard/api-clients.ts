// API clients: every Management API client (never its secret hash), with "Remove" and "Rotate secret",
// each behind a confirmation page with CSRF (the guard checks it). Changes go through the same code
// as the CLI and the Management API, so they are audited alike; a new secret is shown once, on the
// POST's own response (no-store), never in a redirect or a cookie.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { apiClientNotFound } from '../../errors.js';
import { apiClientView, removeApiClient, rotateApiClientSecret } from '../../auth/api-clients.js';
import { adminActor } from './guard.js';
import { pathFor } from '../../route-paths.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';

const PAGE = pathFor('dashboard-api-clients');

export function apiClientPages({ store, clock, ids }: AppDeps, pages: DashboardPages) {
  const view = (client: ReturnType<typeof apiClientView>) => {
    const id = client.client_id;
    return {
      ...client,
      created: formatDate(new Date(client.created_at)),
      removeHref: pathFor('dashboard-api-client-remove', { id }),
      rotateHref: pathFor('dashboard-api-client-rotate-secret', { id }),
    };
  };
  const find = async (ctx: Context) => {
    const clientId = String(ctx.params.id);
    const client = await store.findApiClient(clientId);
    if (!client) throw apiClientNotFound(`No Management API client with client_id "${clientId}"`);
    return view(apiClientView(client));
  };

  return {
    list: async (ctx: Context) => {
      const clients = (await store.listApiClients()).map((client) => view(apiClientView(client)));
      pages.render(ctx, 'api-clients.html', 'api-clients', { title: 'API clients', clients });
    },

    confirmRemove: async (ctx: Context) =>
      pages.render(ctx, 'api-client-confirm.html', 'api-clients', { title: 'Remove API client', action: 'remove', client: await find(ctx) }),

    confirmRotate: async (ctx: Context) =>
      pages.render(ctx, 'api-client-confirm.html', 'api-clients', { title: 'Rotate client secret', action: 'rotate-secret', client: await find(ctx) }),

    remove: async (ctx: Context) => {
      const clientId = String(ctx.params.id);
      await removeApiClient({ store, clock }, clientId, adminActor(ctx));
      pages.redirect(ctx, PAGE, 'ok', `API client ${clientId} removed: its secret and every access token it holds no longer work.`);
    },

    rotate: async (ctx: Context) => {
      const { client, clientSecret } = await rotateApiClientSecret({ store, clock, ids }, String(ctx.params.id), adminActor(ctx));
      pages.render(ctx, 'api-client-secret.html', 'api-clients', { title: 'New client secret', client: view(client), clientSecret });
    },
  };
}
