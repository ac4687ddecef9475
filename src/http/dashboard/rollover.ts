// Rollover readiness on the Signing Keys pages: "N of M applications already trust the next key",
// who does not (by name, with the metadata URL to check), and the acknowledge button for
// applications that get their certificates by manual upload.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import type { RolloverReport } from '../../rollover/report.js';
import { optionalString } from '../body.js';
import { FedmetaError } from '../../errors.js';
import { adminActor, dashboardState } from './guard.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';
import { pathFor } from '../../route-paths.js';

const KEYS_PAGE = pathFor('dashboard-signing-keys');
const STATE_LABELS = { ready: 'Ready', stale: 'Not yet', unknown: 'Unknown', acknowledged: 'Confirmed' } as const;

export function readinessView(report: RolloverReport) {
  const applications = report.applications.map((app) => ({
    ...app,
    label: STATE_LABELS[app.state],
    lastFetched: app.last_fetched_at ? formatDate(new Date(app.last_fetched_at)) : undefined,
    acknowledgeable: app.certificate_delivery === 'manual' && (app.state === 'stale' || app.state === 'unknown'),
  }));
  const consumers = report.consumers.map((consumer) => ({ ...consumer, lastSeen: formatDate(new Date(consumer.last_seen_at)) }));
  return {
    ready: report.ready,
    next: report.next,
    trusting: applications.filter((app) => app.state === 'ready' || app.state === 'acknowledged').length,
    total: applications.length,
    applications,
    consumers,
    notReadyApplications: applications.filter((app) => app.state === 'stale' || app.state === 'unknown'),
    notReadyConsumers: consumers.filter((consumer) => consumer.recent && !consumer.holds_next),
  };
}

export function rolloverPages({ rollover }: AppDeps, pages: DashboardPages) {
  return {
    acknowledge: async (ctx: Context) => {
      const form = dashboardState(ctx).form;
      try {
        const done = await rollover.acknowledge({ clientId: optionalString(form, 'client_id'), kid: optionalString(form, 'kid') }, adminActor(ctx));
        pages.redirect(ctx, KEYS_PAGE, 'ok', `Confirmed: ${done.client_id} has the certificate of the next key ${done.kid}.`);
      } catch (error) {
        if (!(error instanceof FedmetaError) || error.status >= 500) throw error;
        pages.redirect(ctx, KEYS_PAGE, 'error', `Nothing was changed. ${error.message.replace(/\.?$/, '.')}`);
      }
    },
  };
}
