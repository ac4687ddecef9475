// Renders a dashboard page inside templates/dashboard/base.html: the navigation, the signed-in
// administrator, a CSRF token for the page's forms, the pending flash message and a banner for each
// certificate that expires within FEDMETA_CERT_WARN_DAYS.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { dashboardState } from './guard.js';
import { Flasher, type FlashKind } from './flash.js';
import { expiringCertificates, expiryWarning } from '../../keys/expiry.js';

export type Section = 'signing-keys' | 'applications' | 'users' | 'api-clients' | 'logs' | 'log-streams';

export function dashboardPages({ csrf, config, clock, renderer, keyring }: AppDeps) {
  const flasher = new Flasher(csrf, config);
  return {
    render(ctx: Context, template: string, section: Section, data: Record<string, unknown>, status = 200): void {
      const flash = flasher.take(ctx, clock.now());
      const certificateWarnings = expiringCertificates(keyring.snapshot.published, clock.now(), config.certificates.warnDays).map(expiryWarning);
      renderer.render(ctx, `dashboard/${template}`, { ...data, section, user: dashboardState(ctx).user, csrf: csrf.issue(ctx), flash, certificateWarnings }, { status });
    },

    /** Post/Redirect/Get: remember a message for the next page and send the browser there. */
    redirect(ctx: Context, location: string, kind: FlashKind, text: string): void {
      flasher.set(ctx, kind, text, clock.now());
      ctx.status = 303;
      ctx.redirect(location);
    },
  };
}

export type DashboardPages = ReturnType<typeof dashboardPages>;
