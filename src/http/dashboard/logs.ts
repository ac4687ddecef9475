// Logs: the audit log (key rotations and revocations, sign-ins, application and user changes),
// newest first, 50 a page, with the administrator's email shown for events done by a user.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { AuditEntry } from '../../audit/types.js';
import { pageNumber } from '../management/logs.js';
import type { DashboardPages } from './page.js';
import { auditCategory, auditLabel, formatDate } from './format.js';
import { pathFor } from '../../route-paths.js';

const PER_PAGE = 50;

export function logPageHandlers({ store }: AppDeps, pages: DashboardPages) {
  /** user_id → email for the users on this page (failed sign-ins carry the typed email instead). */
  async function actorNames(entries: AuditEntry[]): Promise<Map<string, string>> {
    const ids = new Set(entries.filter((entry) => entry.actor.type === 'user').map((entry) => entry.actor.id));
    const names = new Map<string, string>();
    for (const id of ids) {
      const user = await store.getUser(id);
      if (user) names.set(id, user.email);
    }
    return names;
  }

  return {
    list: async (ctx: Context) => {
      const page = pageNumber(ctx.query.page, 'page', 0, 1_000_000);
      const entries = await store.listAudit({ page, perPage: PER_PAGE });
      const names = await actorNames(entries);
      const rows = entries.map((entry) => ({
        date: formatDate(new Date(entry.date)),
        iso: entry.date,
        type: entry.type,
        label: auditLabel(entry.type),
        category: auditCategory(entry.type),
        description: entry.description,
        actor: entry.actor.type === 'user' ? (names.get(entry.actor.id) ?? entry.actor.id) : entry.actor.id,
        actorType: entry.actor.type.replace('_', ' '),
        ip: entry.ip,
      }));
      pages.render(ctx, 'logs.html', 'logs', {
        title: 'Logs',
        rows,
        page,
        newer: page > 0 ? pathFor('dashboard-logs', {}, page > 1 ? { page: page - 1 } : undefined) : undefined,
        older: entries.length === PER_PAGE ? pathFor('dashboard-logs', {}, { page: page + 1 }) : undefined,
      });
    },
  };
}
