// Log streams: every stream with its endpoint, status and delivery state (the reason a suspended
// stream stopped), and "Resume" for a stream that is not active (POST with CSRF; the guard checks it).
// Streams are created with the Management API or `fedmeta log-streams add` (the secret is shown there).
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { adminActor } from './guard.js';
import { pathFor } from '../../route-paths.js';
import type { DashboardPages } from './page.js';
import { formatDate } from './format.js';

const PAGE = pathFor('dashboard-log-streams');

export function logStreamPageHandlers({ logStreams }: AppDeps, pages: DashboardPages) {
  return {
    list: async (ctx: Context) => {
      const streams = (await logStreams.list()).map((stream) => ({
        ...stream,
        lastDelivery: stream.delivery.last_delivery_at ? formatDate(new Date(stream.delivery.last_delivery_at)) : undefined,
        resumeHref: stream.status === 'active' ? undefined : pathFor('dashboard-log-stream-resume', { id: stream.id }),
      }));
      pages.render(ctx, 'log-streams.html', 'log-streams', { title: 'Log streams', streams });
    },

    resume: async (ctx: Context) => {
      const stream = await logStreams.update(String(ctx.params.id), { status: 'active' }, adminActor(ctx));
      pages.redirect(ctx, PAGE, 'ok', `Log stream "${stream.name}" resumed: delivery restarts from where it stopped.`);
    },
  };
}
