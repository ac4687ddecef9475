// /api/v2/keys/signing/rollover: which relying parties already trust the next key, and the
// administrator's confirmation that a manual-delivery application has its certificate.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { readFields } from '../body.js';
import { apiClientActor } from './authenticate.js';

export function rolloverHandlers({ rollover }: AppDeps) {
  return {
    report: async (ctx: Context) => {
      ctx.set('Cache-Control', 'no-store');
      ctx.body = await rollover.report();
    },
    acknowledge: async (ctx: Context) => {
      const fields = await readFields(ctx);
      ctx.body = await rollover.acknowledge({ clientId: fields.client_id, kid: fields.kid }, apiClientActor(ctx));
    },
  };
}
