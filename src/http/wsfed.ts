// /wsfed: WS-Federation passive requestor profile, the http adapter: parse the request, call the use
// case (src/sso/wsfed-signin.ts), render its outcome. A sign-out is confirmed by a POST carrying a CSRF
// token, checked here. Federation metadata is a published document (published-documents.ts).
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { readFields } from './body.js';
import { renderOutcome } from './outcome.js';
import { visitorOf } from './cookies.js';
import { parseWsfedQuery } from '../wsfed/request.js';
import { wsfedSignIn } from '../sso/wsfed-signin.js';

/** Sign-out form fields: wa, wtrealm, wreply, wctx and the CSRF token, nothing large. */
const SIGNOUT_BODY_LIMIT = 16 * 1024;

export function wsfedHandlers(deps: AppDeps) {
  const { csrf } = deps;
  const wsfed = wsfedSignIn(deps);
  const clientIdOf = (ctx: Context) => ctx.params.client_id as string | undefined;
  return {
    endpoint: async (ctx: Context) => renderOutcome(ctx, deps, await wsfed.answer(parseWsfedQuery(ctx.query), clientIdOf(ctx), visitorOf(ctx), ctx.path)),
    /** The confirmation page's POST: a sign-out action with a valid CSRF token ends the session. */
    confirmSignOut: async (ctx: Context) => {
      const { csrf: token, ...fields } = await readFields(ctx, SIGNOUT_BODY_LIMIT);
      csrf.verify(ctx, token);
      renderOutcome(ctx, deps, await wsfed.confirmSignOut(fields, clientIdOf(ctx), visitorOf(ctx), ctx.path));
    },
    resume: async (ctx: Context) => renderOutcome(ctx, deps, await wsfed.resume(String(ctx.params.state), visitorOf(ctx))),
  };
}
