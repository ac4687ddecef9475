// /api/v2/keys/signing: Auth0's Management API for application signing keys.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { toKeyObject } from '../../keys/key-object.js';
import { rateLimitHeaders } from '../../limits/token-bucket.js';
import type { KeyChangeResult } from '../../keys/service.js';
import type { RolloverWarning } from '../../rollover/warnings.js';
import type { PublishedKeyCache } from '../../keys/formats.js';
import { invalidRequest } from '../../errors.js';
import { apiClientActor } from './authenticate.js';
import { readFields } from '../body.js';
import { renewalDays } from '../../keys/renewal.js';

function booleanQuery(ctx: Context, name: string): boolean {
  const value = ctx.query[name];
  if (value === undefined) return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Query parameter "${name}" must be true or false`);
}

function answerChange(ctx: Context, status: number, change: KeyChangeResult & { warnings?: RolloverWarning[] }, publishedKeys: PublishedKeyCache): void {
  if (change.rate) ctx.set(rateLimitHeaders(change.rate));
  ctx.status = status;
  const warnings = change.warnings?.length ? { warnings: change.warnings } : {};
  ctx.body = { cert: toKeyObject(change.key, publishedKeys).cert, kid: change.key.kid, ...warnings };
}

export function keyHandlers({ keys, publishedKeys, rollover, config }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      ctx.body = await keys.keyObjects(publishedKeys);
    },
    get: async (ctx: Context) => {
      ctx.body = (await keys.keyObjects(publishedKeys, [await keys.get(String(ctx.params.kid))]))[0];
    },
    rotate: async (ctx: Context) => {
      const revokePrevious = booleanQuery(ctx, 'revoke_previous');
      const force = booleanQuery(ctx, 'force');
      answerChange(ctx, 201, await rollover.rotate({ actor: apiClientActor(ctx), revokePrevious, force }), publishedKeys);
    },
    revoke: async (ctx: Context) => {
      const force = booleanQuery(ctx, 'force');
      answerChange(ctx, 200, await keys.revoke(String(ctx.params.kid), { actor: apiClientActor(ctx), force }), publishedKeys);
    },
    /** A new certificate over the same key pair: the key object (same kid, new cert and fingerprint). */
    renew: async (ctx: Context) => {
      const fields = await readFields(ctx);
      const unknown = Object.keys(fields).filter((name) => name !== 'days');
      if (unknown.length > 0) throw invalidRequest(`Unknown field(s): ${unknown.join(', ')}`);
      const { key } = await keys.renewCertificate(String(ctx.params.kid), renewalDays(fields.days, config.certDays), apiClientActor(ctx));
      ctx.body = toKeyObject(key, publishedKeys);
    },
  };
}
