// Our cookies on a Koa context: HttpOnly, SameSite=Lax, and Secure when the issuer is https. TLS
// usually ends at a proxy, so the hop to us is plain HTTP; the configured issuer, not a request
// header, says whether the browser's side is secure.
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { SESSION_COOKIE } from '../sso/sessions.js';
import type { SessionEffect, Visitor } from '../sso/outcome.js';

export function setCookie(ctx: Context, config: Config, name: string, value: string, maxAge?: number): void {
  const secure = config.issuer.startsWith('https:');
  if (secure) ctx.cookies.secure = true;
  ctx.cookies.set(name, value, { httpOnly: true, sameSite: 'lax', secure, path: '/', overwrite: true, ...(maxAge !== undefined ? { maxAge } : {}) });
}

export const sessionCookie = (ctx: Context): string | undefined => ctx.cookies.get(SESSION_COOKIE);

/** The browser as a use case sees it: its session cookie and its address. */
export const visitorOf = (ctx: Context): Visitor => ({ sessionCookie: sessionCookie(ctx), ip: ctx.ip });

/** Applies an outcome's session effect: a new session cookie, or the cookie cleared. */
export function applySessionEffect(ctx: Context, config: Config, effect: SessionEffect): void {
  if (effect.setSession !== undefined) setCookie(ctx, config, SESSION_COOKIE, effect.setSession);
  else if (effect.clearSession) setCookie(ctx, config, SESSION_COOKIE, '', 0);
}
