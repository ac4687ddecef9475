// /api/v2/clients.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { toClientObject } from '../../clients/validate.js';
import { readFields } from '../body.js';
import { apiClientActor } from './authenticate.js';

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
