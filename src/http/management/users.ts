// /api/v2/users as Auth0: GET with q / page / per_page / include_totals (an array, or with totals
// {users, start, limit, length, total}), GET / PATCH / DELETE one user, POST to create.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { userView } from '../../users/types.js';
import { readFields } from '../body.js';
import { adminNotAllowed, invalidRequest } from '../../errors.js';
import { apiClientActor } from './authenticate.js';
import { pageNumber } from './logs.js';

/** Auth0's include_totals: true or false; anything else is a 400. */
function flag(value: unknown, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw invalidRequest(`Query parameter "${name}" must be true or false`);
}

function queryText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest('Query parameter "q" must be given once');
  return value;
}

/** An API token must never make or unmake a dashboard administrator, whatever its scopes. */
function refuseAdmin(fields: Record<string, unknown>): void {
  if ('admin' in fields) throw adminNotAllowed();
}

export function userHandlers({ users }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const perPage = Math.max(1, pageNumber(ctx.query.per_page, 'per_page', 50, 100));
      const includeTotals = flag(ctx.query.include_totals, 'include_totals');
      const result = await users.search({ q: queryText(ctx.query.q), page, perPage, includeTotals });
      ctx.body = includeTotals ? { ...result, users: result.users.map(userView) } : result.users.map(userView);
    },
    get: async (ctx: Context) => {
      ctx.body = userView(await users.get(String(ctx.params.id)));
    },
    create: async (ctx: Context) => {
      const { connection: _connection, ...fields } = await readFields(ctx);
      refuseAdmin(fields);
      ctx.status = 201;
      ctx.body = userView(await users.create(fields as { email: unknown; password: unknown }, apiClientActor(ctx)));
    },
    update: async (ctx: Context) => {
      const fields = await readFields(ctx);
      refuseAdmin(fields);
      ctx.body = userView(await users.update(String(ctx.params.id), fields, apiClientActor(ctx)));
    },
    remove: async (ctx: Context) => {
      await users.remove(String(ctx.params.id), apiClientActor(ctx));
      ctx.status = 204;
    },
  };
}
