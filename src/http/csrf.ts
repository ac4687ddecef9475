// The http side of CSRF protection: the cookies and headers of a Koa context, and the pre-session
// cookie set when a browser without a session first gets a form. The HMAC logic is src/auth/csrf.ts.
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { Csrf, type CsrfCookies } from '../auth/csrf.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { setCookie } from './cookies.js';
import type { Ids } from '../ids.js';

const PRE_SESSION_COOKIE = 'fedmeta_csrf';

const cookiesOf = (ctx: Context): CsrfCookies => ({ session: ctx.cookies.get(SESSION_COOKIE), preSession: ctx.cookies.get(PRE_SESSION_COOKIE) });

export class BrowserCsrf {
  private readonly csrf: Csrf;
  /** A pre-session made during this request: later calls in it (the flash signature) bind to the same value. */
  private readonly issuedInRequest = new WeakMap<Context, string>();

  constructor(
    kek: Buffer,
    private readonly config: Config,
    private readonly ids: Pick<Ids, 'secret'>,
  ) {
    this.csrf = new Csrf(kek, new URL(config.issuer).origin);
  }

  /** The token to put in a form's hidden `csrf` field; before sign-in, sets the pre-session cookie when needed. */
  issue(ctx: Context): string {
    let binding = this.csrf.binding(cookiesOf(ctx)) ?? this.issuedInRequest.get(ctx);
    if (!binding) {
      const fresh = this.csrf.preSession(this.ids.secret());
      setCookie(ctx, this.config, PRE_SESSION_COOKIE, fresh.cookieValue);
      binding = fresh.binding;
      this.issuedInRequest.set(ctx, binding);
    }
    return this.csrf.tokenFor(binding);
  }

  /** Throws 403 `csrf_rejected` unless the request comes from our origin with the token of its session (or pre-session). */
  verify(ctx: Context, token: unknown): void {
    this.csrf.verify({ cookies: cookiesOf(ctx), token, fetchSite: ctx.get('Sec-Fetch-Site'), origin: ctx.get('Origin') });
  }
}
