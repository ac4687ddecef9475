// /wsfed: WS-Federation passive requestor profile, the http adapter: parse the query, call the use
// case (src/sso/wsfed-signin.ts), render its outcome. Federation metadata is served from the published documents.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { sendDocument } from './published.js';
import { renderOutcome } from './outcome.js';
import { visitorOf } from './cookies.js';
import { wsfedMetadataDocument } from '../published/wsfed-metadata.js';
import { parseWsfedQuery } from '../wsfed/request.js';
import { wsfedSignIn } from '../sso/wsfed-signin.js';
import { namedApp } from '../sso/applications.js';

export function wsfedHandlers(deps: AppDeps) {
  const { config, keyring, catalog, clock } = deps;
  const wsfed = wsfedSignIn(deps);
  const clientIdOf = (ctx: Context) => ctx.params.client_id as string | undefined;
  return {
    endpoint: async (ctx: Context) => renderOutcome(ctx, config, await wsfed.answer(parseWsfedQuery(ctx.query), clientIdOf(ctx), visitorOf(ctx))),
    resume: async (ctx: Context) => renderOutcome(ctx, config, await wsfed.resume(String(ctx.params.state), visitorOf(ctx))),
    metadata: (ctx: Context) => {
      const clientId = clientIdOf(ctx);
      if (clientId !== undefined) namedApp(catalog, clientId, 'wsfed');
      sendDocument(ctx, wsfedMetadataDocument(keyring.snapshot, config, clock.now(), clientId), config.metadataCacheSeconds);
    },
  };
}
