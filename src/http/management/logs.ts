// GET /api/v2/logs and /api/v2/logs/:id, as Auth0's: search (`q`, page/per_page, sort by date,
// include_totals, at most the first 1,000 results) or checkpoint (`from` = the last log_id seen, `take`; newer entries
// in log_id order, any other parameter ignored, a Link rel="next" to continue).
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { invalidRequest, logNotFound } from '../../errors.js';
import { parseLogQuery } from '../../audit/log-query.js';
import { urlFor } from '../../route-paths.js';

export const MAX_PER_PAGE = 100;
/** Auth0's limit on paging through search results; checkpoints go further. */
const MAX_SEARCH_RESULTS = 1000;
const LOG_ID = /^\d{1,18}$/;

function text(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`Query parameter "${name}" must be given once`);
  return value;
}

export function pageNumber(value: unknown, name: string, fallback: number, max: number): number {
  const raw = text(value, name);
  if (raw === undefined) return fallback;
  if (!/^\d{1,7}$/.test(raw) || Number(raw) > max) throw invalidRequest(`Query parameter "${name}" must be a whole number up to ${max}`);
  return Number(raw);
}

/** A log_id (the audit entry's number), or undefined when the text cannot be one. */
export function logIdOf(value: string | undefined): number | undefined {
  return value !== undefined && LOG_ID.test(value) ? Number(value) : undefined;
}

function sortOrder(value: unknown): 'newest' | 'oldest' {
  const raw = text(value, 'sort') ?? 'date:-1';
  if (raw === 'date:-1') return 'newest';
  if (raw === 'date:1') return 'oldest';
  throw invalidRequest('Query parameter "sort" must be date:-1 (newest first, the default) or date:1');
}

export function logApiHandlers({ store, config }: AppDeps) {
  async function checkpoint(ctx: Context, fromText: string) {
    const from = logIdOf(fromText);
    if (from === undefined) throw invalidRequest('Query parameter "from" must be a log_id');
    const take = Math.max(1, pageNumber(ctx.query.take, 'take', 50, MAX_PER_PAGE));
    const logs = await store.auditAfterId(from, take);
    const next = logs.at(-1)?.log_id ?? String(from);
    ctx.set('Link', `<${urlFor(config, 'api-logs', {}, { from: next, take })}>; rel="next"`);
    ctx.body = logs;
  }

  return {
    list: async (ctx: Context) => {
      const from = text(ctx.query.from, 'from');
      if (from !== undefined) return checkpoint(ctx, from);
      for (const unsupported of ['fields', 'include_fields']) {
        if (ctx.query[unsupported] !== undefined) throw invalidRequest(`Query parameter "${unsupported}" is not supported`);
      }
      const filter = parseLogQuery(text(ctx.query.q, 'q'));
      const page = pageNumber(ctx.query.page, 'page', 0, MAX_SEARCH_RESULTS);
      const perPage = Math.max(1, pageNumber(ctx.query.per_page, 'per_page', 50, MAX_PER_PAGE));
      if ((page + 1) * perPage > MAX_SEARCH_RESULTS) {
        throw invalidRequest(`Search results stop at ${MAX_SEARCH_RESULTS}: narrow "q", or read onwards with from/take`);
      }
      const includeTotals = text(ctx.query.include_totals, 'include_totals');
      if (includeTotals !== undefined && includeTotals !== 'true' && includeTotals !== 'false') {
        throw invalidRequest('Query parameter "include_totals" must be true or false');
      }
      const logs = await store.queryAudit({ filter, order: sortOrder(ctx.query.sort), offset: page * perPage, limit: perPage });
      if (includeTotals !== 'true') return void (ctx.body = logs);
      ctx.body = { logs, start: page * perPage, limit: perPage, length: logs.length, total: await store.countAudit(filter) };
    },
    get: async (ctx: Context) => {
      const id = logIdOf(String(ctx.params.id));
      const entry = id === undefined ? undefined : await store.getAudit(id);
      if (!entry) throw logNotFound(`No log entry ${String(ctx.params.id).slice(0, 64)}`);
      ctx.body = entry;
    },
  };
}
