// /login and /logout: the end-user sign-in form. scrypt password check in constant time (a missing
// account costs the same), a throttle per account and per IP shared by every instance, CSRF token.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { readFields, optionalString } from './body.js';
import { renderPage } from './render.js';
import { verifySecret } from '../auth/passwords.js';
import { currentSession, endSession, startSession } from '../sso/sessions.js';
import { loginExpired, loadPendingLogin, type PendingLogin } from '../sso/pending-login.js';
import { signedOutPage } from '../sso/outcome.js';
import { renderOutcome } from './outcome.js';
import { applySessionEffect, sessionCookie } from './cookies.js';
import { rateLimitHeaders, type BucketPolicy } from '../limits/token-bucket.js';

const LOGIN_BODY_LIMIT = 16 * 1024;
/** Per account: 5 attempts at once, then one every 5 minutes. Per IP: 20, then one every 30 s. */
const ACCOUNT_POLICY: BucketPolicy = { burst: 5, perDay: 288 };
const IP_POLICY: BucketPolicy = { burst: 20, perDay: 2880 };

export function loginHandlers({ config, store, clock, csrf }: AppDeps) {
  const form = (ctx: Context, state: string, pending: PendingLogin | undefined, extra: Record<string, unknown> = {}, status = 200) =>
    renderPage(ctx, 'login.html', { csrf: csrf.issue(ctx), state, application: pending?.applicationName, ...extra }, { status });

  /** Back to the pending request; with none, an administrator lands on the dashboard. */
  const resumeAfterLogin = (ctx: Context, pending: PendingLogin | undefined, admin = false) =>
    renderOutcome(ctx, config, { kind: 'redirect', location: pending?.returnTo ?? (admin ? '/dashboard' : '/login') });

  return {
    show: async (ctx: Context) => {
      const state = typeof ctx.query.state === 'string' ? ctx.query.state : '';
      const now = clock.now();
      const pending = state ? await loadPendingLogin(store, state, now) : undefined;
      if (state && !pending) throw loginExpired();
      const active = await currentSession(store, sessionCookie(ctx), now);
      if (active && pending && !pending.forceLogin) return resumeAfterLogin(ctx, pending);
      if (active && !pending) {
        if (active.user.admin) return resumeAfterLogin(ctx, undefined, true);
        return renderPage(ctx, 'signed-in.html', { email: active.user.email, csrf: csrf.issue(ctx) });
      }
      form(ctx, state, pending);
    },

    submit: async (ctx: Context) => {
      const fields = await readFields(ctx, LOGIN_BODY_LIMIT);
      csrf.verify(ctx, fields.csrf);
      const now = clock.now();
      const state = optionalString(fields, 'state') ?? '';
      const pending = state ? await loadPendingLogin(store, state, now) : undefined;
      if (state && !pending) throw loginExpired();
      const username = (optionalString(fields, 'username') ?? '').trim().toLowerCase().slice(0, 320);
      const password = optionalString(fields, 'password') ?? '';

      // Every attempt takes a token before the password is checked (no race); a right password gives them back.
      const buckets = [
        { bucket: `login:ip:${ctx.ip}`, policy: IP_POLICY },
        { bucket: `login:account:${username}`, policy: ACCOUNT_POLICY },
      ];
      for (const bucket of buckets) {
        const decision = await store.takeRateLimit(bucket, now);
        if (!decision.allowed) {
          ctx.set(rateLimitHeaders(decision));
          const minutes = Math.ceil(decision.retryAfterSeconds / 60);
          return form(ctx, state, pending, { username, error: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` }, 429);
        }
      }

      const user = username ? await store.findUserByEmail(username) : undefined;
      const valid = await verifySecret(password.slice(0, 1024), user?.passwordHash);
      if (!valid || !user) {
        await store.appendAudit({ type: 'f', description: 'Failed sign-in: wrong email or password', actor: { type: 'user', id: username || '(empty)', ip: ctx.ip } }, now);
        return form(ctx, state, pending, { username, error: 'Wrong email or password.' }, 401);
      }
      for (const bucket of buckets) await store.returnRateLimit(bucket, now);
      const { cookieValue } = await startSession(store, user, now);
      applySessionEffect(ctx, config, { setSession: cookieValue });
      await store.appendAudit({ type: 's', description: `Signed in${pending?.applicationName ? ` to ${pending.applicationName}` : ''}`, actor: { type: 'user', id: user.userId, ip: ctx.ip } }, now);
      resumeAfterLogin(ctx, pending, user.admin);
    },

    logout: async (ctx: Context) => {
      if (ctx.method === 'POST') csrf.verify(ctx, (await readFields(ctx, LOGIN_BODY_LIMIT)).csrf);
      const active = await currentSession(store, sessionCookie(ctx), clock.now());
      await endSession(store, sessionCookie(ctx));
      if (active) await store.appendAudit({ type: 'slo', description: 'Signed out', actor: { type: 'user', id: active.user.userId, ip: ctx.ip } }, clock.now());
      renderOutcome(ctx, config, signedOutPage({ clearSession: true }));
    },
  };
}
