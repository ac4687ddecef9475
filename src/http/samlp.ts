// /samlp: SAML 2.0 Web Browser SSO and single logout, the http adapter: read the request's raw parts,
// call the use case (src/sso/saml-signin.ts, src/sso/saml-logout.ts), render its outcome.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { readFields } from './body.js';
import { renderOutcome } from './outcome.js';
import { visitorOf } from './cookies.js';
import { DEFAULT_POST_LIMITS } from '../saml/bindings.js';
import type { SamlBindingInput } from '../sso/saml-message.js';
import { samlSignIn } from '../sso/saml-signin.js';
import { samlLogout } from '../sso/saml-logout.js';

const POST_BODY_LIMIT = DEFAULT_POST_LIMITS.maxEncodedBytes + 8 * 1024;

/** GET is HTTP-Redirect (the raw query string), POST is HTTP-POST (the form fields). */
async function bindingInput(ctx: Context): Promise<SamlBindingInput> {
  const clientId = ctx.params.client_id as string | undefined;
  if (ctx.method === 'POST') return { binding: 'post', rawQuery: '', fields: await readFields(ctx, POST_BODY_LIMIT), clientId };
  return { binding: 'redirect', rawQuery: ctx.querystring, fields: {}, clientId };
}

export function samlpHandlers(deps: AppDeps) {
  const signIn = samlSignIn(deps);
  const slo = samlLogout(deps);
  return {
    sso: async (ctx: Context) => renderOutcome(ctx, deps, await signIn.signIn(await bindingInput(ctx), visitorOf(ctx))),
    resume: async (ctx: Context) => renderOutcome(ctx, deps, await signIn.resume(String(ctx.params.state), visitorOf(ctx))),
    logout: async (ctx: Context) => renderOutcome(ctx, deps, await slo.logout(await bindingInput(ctx), visitorOf(ctx))),
  };
}
