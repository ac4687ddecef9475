import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { invalidRequest } from '../../errors.js';

export function pageNumber(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) > max) {
    throw invalidRequest(`Query parameter "${name}" must be a whole number up to ${max}`);
  }
  return Number(value);
}

/** GET /api/v2/logs?page=0&per_page=50: audit log, newest first. */
export function logApiHandlers({ store }: AppDeps) {
  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const perPage = pageNumber(ctx.query.per_page, 'per_page', 50, 100);
      ctx.body = await store.listAudit({ page, perPage: Math.max(1, perPage) });
    },
  };
}
