// /login and /logout: the end-user sign-in form. scrypt password check in constant time (a missing
// account costs the same), a throttle per account and per IP shared by every instance, CSRF token.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { readFields, optionalString } from './body.js';
import { verifySecret } from '../auth/passwords.js';
import { currentSession, endSession, startSession } from '../sso/sessions.js';
import { loadPendingLogin, type PendingLogin } from '../sso/pending-login.js';
import { signedOutPage } from '../sso/outcome.js';
import { renderOutcome } from './outcome.js';
import { applySessionEffect, sessionCookie } from './cookies.js';
import { loginExpired } from '../errors.js';
import { pathFor } from '../route-paths.js';
import { rateLimitHeaders, type BucketPolicy } from '../limits/token-bucket.js';
import { lookupEmail } from '../users/email.js';
import { auditBlocked } from '../audit/blocked.js';

const LOGIN_BODY_LIMIT = 16 * 1024;
/**
 * Sign-in throttle (OWASP authentication guidance), checked in this order, stopping at the first refusal:
 * per IP: 20 attempts, then one every 30 s; per account and IP: 5, then one every 5 minutes (so one
 * address cannot lock the real user out); per account from all addresses together: 50, then one a
 * minute (so many addresses still cannot brute-force it). A refused attempt spends nothing further down.
 */
export const IP_POLICY: BucketPolicy = { burst: 20, perDay: 2880 };
export const ACCOUNT_IP_POLICY: BucketPolicy = { burst: 5, perDay: 288 };
export const ACCOUNT_POLICY: BucketPolicy = { burst: 50, perDay: 1440 };

export function loginHandlers(deps: AppDeps) {
  const { config, store, clock, ids, csrf, renderer } = deps;
  const form = (ctx: Context, state: string, pending: PendingLogin | undefined, extra: Record<string, unknown> = {}, status = 200) =>
    renderer.render(ctx, 'login.html', { csrf: csrf.issue(ctx), state, application: pending?.applicationName, ...extra }, { status });

  /** Back to the pending request; with none, an administrator lands on the dashboard. */
  const resumeAfterLogin = (ctx: Context, pending: PendingLogin | undefined, admin = false) =>
    renderOutcome(ctx, deps, { kind: 'redirect', location: pending?.returnTo ?? pathFor(admin ? 'dashboard' : 'login') });

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
        return renderer.render(ctx, 'signed-in.html', { email: active.user.email, csrf: csrf.issue(ctx) });
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
      const typed = (optionalString(fields, 'username') ?? '').slice(0, 320);
      // The canonical address (NFKC, lower case), as stored; text that cannot be an address matches no one.
      const email = lookupEmail(typed);
      const username = email ?? typed.trim().toLowerCase();
      const password = optionalString(fields, 'password') ?? '';

      // Every attempt takes a token before the password is checked (no race); a right password gives them back.
      const buckets = [
        { bucket: `login:ip:${ctx.ip}`, policy: IP_POLICY, blocked: 'login_blocked_ip' as const },
        { bucket: `login:account-ip:${username}|${ctx.ip}`, policy: ACCOUNT_IP_POLICY, blocked: 'login_blocked_account' as const },
        { bucket: `login:account:${username}`, policy: ACCOUNT_POLICY, blocked: 'login_blocked_account' as const },
      ];
      const typedActor = { type: 'user' as const, id: username || '(empty)', ip: ctx.ip };
      for (const bucket of buckets) {
        const decision = await store.takeRateLimit(bucket, now);
        if (!decision.allowed) {
          await auditBlocked(store, bucket.bucket, { event: bucket.blocked, description: 'Sign-ins blocked: too many attempts', actor: typedActor, details: { bucket: bucket.bucket.split(':')[1] } }, now);
          ctx.set(rateLimitHeaders(decision));
          const minutes = Math.ceil(decision.retryAfterSeconds / 60);
          return form(ctx, state, pending, { username, error: `Too many sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` }, 429);
        }
      }

      const user = email ? await store.findUserByEmail(email) : undefined;
      const valid = await verifySecret(password.slice(0, 1024), user?.passwordHash);
      if (!valid || !user) {
        const failure = user
          ? ({ event: 'login_failed', description: 'Failed sign-in: incorrect password', details: { user_id: user.userId } } as const)
          : ({ event: 'login_unknown_user', description: 'Failed sign-in: no user with this email' } as const);
        await store.appendAudit({ ...failure, actor: typedActor }, now);
        return form(ctx, state, pending, { username, error: 'Wrong email or password.' }, 401);
      }
      if (user.blocked) {
        // Said only to someone who knows the password: the block is no oracle for guessing addresses.
        await store.appendAudit({ event: 'login_blocked_user', description: 'Failed sign-in: the account is blocked', actor: { type: 'user', id: user.userId, ip: ctx.ip }, details: { reason: 'blocked' } }, now);
        return form(ctx, state, pending, { username, error: 'This account is blocked. Ask your administrator to unblock it.' }, 403);
      }
      for (const bucket of buckets) await store.returnRateLimit(bucket, now);
      const { cookieValue } = await startSession(store, ids, user, now);
      applySessionEffect(ctx, config, { setSession: cookieValue });
      await store.appendAudit({ event: 'login_succeeded', description: `Signed in${pending?.applicationName ? ` to ${pending.applicationName}` : ''}`, actor: { type: 'user', id: user.userId, ip: ctx.ip } }, now);
      resumeAfterLogin(ctx, pending, user.admin);
    },

    /** GET only asks (a link or an <img> must not sign anyone out); POST with the session's CSRF token signs out. */
    logout: async (ctx: Context) => {
      if (ctx.method !== 'POST') {
        const active = await currentSession(store, sessionCookie(ctx), clock.now());
        if (active) return renderer.render(ctx, 'logout.html', { email: active.user.email, csrf: csrf.issue(ctx) });
        return renderer.render(ctx, 'error.html', { title: 'Signed out', message: 'You are not signed in to fedmeta.', code: 'signed_out' });
      }
      csrf.verify(ctx, (await readFields(ctx, LOGIN_BODY_LIMIT)).csrf);
      const active = await currentSession(store, sessionCookie(ctx), clock.now());
      await endSession(store, sessionCookie(ctx));
      if (active) await store.appendAudit({ event: 'logout', description: 'Signed out', actor: { type: 'user', id: active.user.userId, ip: ctx.ip } }, clock.now());
      renderOutcome(ctx, deps, signedOutPage({ clearSession: true }));
    },
  };
}
