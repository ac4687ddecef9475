// /api/v2/log-streams: Auth0's log stream API (type "http" only). POST answers the stream and, this
// once, its signing secret (`signing_secret`); PATCH {"status":"active"} resumes a suspended stream.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { readFields } from '../body.js';
import { apiClientActor } from './authenticate.js';

export function logStreamApiHandlers({ logStreams }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      ctx.body = await logStreams.list();
    },
    get: async (ctx: Context) => {
      ctx.body = await logStreams.get(String(ctx.params.id));
    },
    create: async (ctx: Context) => {
      const { stream, secret } = await logStreams.create(await readFields(ctx), apiClientActor(ctx));
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { ...stream, signing_secret: secret };
    },
    update: async (ctx: Context) => {
      ctx.body = await logStreams.update(String(ctx.params.id), await readFields(ctx), apiClientActor(ctx));
    },
    remove: async (ctx: Context) => {
      await logStreams.remove(String(ctx.params.id), apiClientActor(ctx));
      ctx.status = 204;
    },
  };
}
