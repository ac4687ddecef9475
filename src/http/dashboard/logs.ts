// Logs: the audit log, newest first, with the event's name (not Auth0's code), filters as a GET form
// (event, date range, user, application or API client) and keyset paging: `from` = the log_id of the
// last entry seen (the next page holds the older ones), `take` entries a page. The filters go through the same
// query parser as GET /api/v2/logs, so both read the log alike.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { AuditEntry } from '../../audit/types.js';
import { AUDIT_EVENTS, AUDIT_EVENT_TYPES, eventName } from '../../audit/event-types.js';
import { parseLogQuery } from '../../audit/log-query.js';
import { lookupEmail } from '../../users/email.js';
import { FedmetaError, invalidQueryString } from '../../errors.js';
import { logIdOf, MAX_PER_PAGE, pageNumber } from '../management/logs.js';
import type { DashboardPages } from './page.js';
import { auditCategory, formatDate } from './format.js';
import { pathFor } from '../../route-paths.js';

const PER_PAGE = 50;
const FILTERS = ['event', 'since', 'until', 'user', 'client'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

const EVENT_OPTIONS = AUDIT_EVENT_TYPES.map((event) => ({ value: event, label: AUDIT_EVENTS[event].name })).sort((a, b) => a.label.localeCompare(b.label));

function formFilters(ctx: Context): Filters {
  const value = (name: string) => (typeof ctx.query[name] === 'string' ? (ctx.query[name] as string).trim().slice(0, 256) : '');
  return Object.fromEntries(FILTERS.map((name) => [name, value(name)])) as Filters;
}

export function logPageHandlers({ store }: AppDeps, pages: DashboardPages) {
  /** The form as a `q`: an email is looked up to its user id; a quote cannot be searched for. */
  async function queryOf(filters: Filters): Promise<string> {
    if (Object.values(filters).some((value) => value.includes('"'))) throw invalidQueryString('Filters cannot contain a double quote');
    const terms: string[] = [];
    if (filters.event) terms.push(`type:"${filters.event}"`);
    if (filters.since || filters.until) terms.push(`date:[${filters.since || '*'} TO ${filters.until || '*'}]`);
    if (filters.user) {
      const email = lookupEmail(filters.user);
      const user = email ? await store.findUserByEmail(email) : undefined;
      terms.push(`user_id:"${user?.userId ?? filters.user}"`);
    }
    if (filters.client) terms.push(`client_id:"${filters.client}"`);
    return terms.join(' ');
  }

  /** user_id → email for the users on this page (failed sign-ins show the typed name). */
  async function actorNames(entries: AuditEntry[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(entries.flatMap((entry) => (entry.user_id ? [entry.user_id] : [])))) {
      const user = await store.getUser(id);
      if (user) names.set(id, user.email);
    }
    return names;
  }

  return {
    list: async (ctx: Context) => {
      const filters = formFilters(ctx);
      const take = Math.max(1, pageNumber(ctx.query.take, 'take', PER_PAGE, MAX_PER_PAGE));
      const from = logIdOf(typeof ctx.query.from === 'string' ? ctx.query.from : undefined);
      let entries: AuditEntry[] = [];
      let error: string | undefined;
      try {
        const filter = parseLogQuery(await queryOf(filters));
        const below = from === undefined ? undefined : await store.getAudit(from);
        if (from !== undefined && !below) throw invalidQueryString('That page starts at an entry no longer in the log; start again from the newest');
        entries = await store.queryAudit({ filter, ...(below ? { below: { date: new Date(below.date), logId: from! } } : {}), limit: take });
      } catch (problem) {
        if (!(problem instanceof FedmetaError) || problem.status !== 400) throw problem;
        error = problem.message.replace(/^q: /, '');
      }
      const names = await actorNames(entries);
      const rows = entries.map((entry) => ({
        logId: entry.log_id,
        date: formatDate(new Date(entry.date)),
        iso: entry.date,
        event: entry.event,
        label: eventName(entry.event),
        category: auditCategory(entry.event),
        description: entry.description,
        actor: entry.user_id ? (names.get(entry.user_id) ?? entry.user_id) : (entry.user_name ?? entry.actor.id),
        actorType: entry.actor.type.replace('_', ' '),
        client: entry.client_id,
        ip: entry.ip,
      }));
      const kept = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== ''));
      const last = entries.at(-1);
      pages.render(ctx, 'logs.html', 'logs', {
        title: 'Logs',
        rows,
        filters,
        events: EVENT_OPTIONS,
        error,
        filtered: Object.keys(kept).length > 0,
        paged: from !== undefined,
        newest: from !== undefined ? pathFor('dashboard-logs', {}, { ...kept, ...(take !== PER_PAGE ? { take } : {}) }) : undefined,
        older: entries.length === take && last ? pathFor('dashboard-logs', {}, { ...kept, from: last.log_id, ...(take !== PER_PAGE ? { take } : {}) }) : undefined,
      }, error ? 400 : 200);
    },
  };
}
