import type { Context, Next } from 'koa';
import type { AppDeps } from '../context.js';
import { invalidToken, missingToken, requireScopes, verifyAccessToken, type Principal } from '../../auth/tokens.js';
import type { Actor } from '../../audit/types.js';
import { noteClientId } from '../access-log.js';

/**
 * Bearer authentication for /api/v2: every request carries a valid access token whose client still
 * exists with the credential version the token was issued under (a primary-key read per request, so
 * removing a client or rotating its secret ends its tokens at once on every instance).
 */
export function authenticate({ config, keyring, clock, store }: AppDeps) {
  return async (ctx: Context, next: Next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw missingToken();
    const principal = await verifyAccessToken(match[1]!, keyring.snapshot, config, clock.now());
    const client = await store.findApiClient(principal.clientId);
    if (!client) throw invalidToken('The client of this access token no longer exists');
    if (client.secretVersion !== principal.secretVersion) throw invalidToken("The access token was issued before the client's secret was rotated");
    ctx.state.principal = principal;
    noteClientId(ctx, principal.clientId);
    await next();
  };
}

export function needs(...scopes: string[]) {
  return async (ctx: Context, next: Next) => {
    requireScopes(ctx.state.principal as Principal, scopes);
    await next();
  };
}

/** Who did it, for the audit log: the Management API client of the access token, and its address. */
export function apiClientActor(ctx: Context): Actor {
  return { type: 'api_client', id: (ctx.state.principal as Principal).clientId, ip: ctx.ip };
}
