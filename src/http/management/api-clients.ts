// /api/v2/api-clients: list Management API clients (never their secret hashes), remove one, rotate
// its secret (the new secret is in this one response only). Each change is audited.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { listApiClients, removeApiClient, rotateApiClientSecret } from '../../auth/api-clients.js';
import { apiClientActor } from './authenticate.js';

export function apiClientHandlers(deps: AppDeps) {
  return {
    list: async (ctx: Context) => {
      ctx.body = await listApiClients(deps.store);
    },
    remove: async (ctx: Context) => {
      await removeApiClient(deps, String(ctx.params.id), apiClientActor(ctx));
      ctx.status = 204;
    },
    rotateSecret: async (ctx: Context) => {
      const { client, clientSecret } = await rotateApiClientSecret(deps, String(ctx.params.id), apiClientActor(ctx));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ...client, client_secret: clientSecret };
    },
  };
}
