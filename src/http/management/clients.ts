// /api/v2/clients and /api/v2/users.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { toClientObject } from '../../clients/validate.js';
import { userView } from '../../users/types.js';
import { readFields } from '../body.js';
import { adminNotAllowed } from '../../errors.js';
import { apiClientActor } from './authenticate.js';
import { pageNumber } from './logs.js';

export function clientHandlers({ clients }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      ctx.body = (await clients.list()).map(toClientObject);
    },
    get: async (ctx: Context) => {
      ctx.body = toClientObject(await clients.get(String(ctx.params.id)));
    },
    create: async (ctx: Context) => {
      ctx.status = 201;
      ctx.body = toClientObject(await clients.create(await readFields(ctx), apiClientActor(ctx)));
    },
    update: async (ctx: Context) => {
      ctx.body = toClientObject(await clients.update(String(ctx.params.id), await readFields(ctx), apiClientActor(ctx)));
    },
    remove: async (ctx: Context) => {
      await clients.remove(String(ctx.params.id), apiClientActor(ctx));
      ctx.status = 204;
    },
  };
}

export function userHandlers({ users }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const perPage = Math.max(1, pageNumber(ctx.query.per_page, 'per_page', 50, 100));
      ctx.body = (await users.list(page, perPage)).map(userView);
    },
    get: async (ctx: Context) => {
      ctx.body = userView(await users.get(String(ctx.params.id)));
    },
    create: async (ctx: Context) => {
      const { connection: _connection, ...fields } = await readFields(ctx);
      // An API token must never make a dashboard administrator, whatever its scopes.
      if ('admin' in fields) throw adminNotAllowed();
      ctx.status = 201;
      ctx.body = userView(await users.create(fields as { email: unknown; password: unknown }, apiClientActor(ctx)));
    },
    remove: async (ctx: Context) => {
      await users.remove(String(ctx.params.id), apiClientActor(ctx));
      ctx.status = 204;
    },
  };
}
