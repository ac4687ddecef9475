// The http side of CSRF protection: the secret lives in a cookie, the evidence comes from headers.
// The HMAC logic is src/auth/csrf.ts.
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { Csrf } from '../auth/csrf.js';
import { setCookie } from './cookies.js';

const CSRF_COOKIE = 'fedmeta_csrf';

export class BrowserCsrf {
  private readonly csrf: Csrf;

  constructor(
    kek: Buffer,
    private readonly config: Config,
  ) {
    this.csrf = new Csrf(kek, new URL(config.issuer).origin);
  }

  /** The token to put in a form's hidden `csrf` field; sets the cookie when the browser has none. */
  issue(ctx: Context): string {
    let secret = ctx.cookies.get(CSRF_COOKIE);
    if (!this.csrf.isSecret(secret)) {
      secret = this.csrf.newSecret();
      setCookie(ctx, this.config, CSRF_COOKIE, secret);
    }
    return this.csrf.tokenFor(secret);
  }

  /** Throws 403 unless the request comes from our origin with a token matching its cookie. */
  verify(ctx: Context, token: unknown): void {
    this.csrf.verify({ secret: ctx.cookies.get(CSRF_COOKIE), token, fetchSite: ctx.get('Sec-Fetch-Site'), origin: ctx.get('Origin') });
  }
}
