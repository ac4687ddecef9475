// CSRF protection for browser forms: a per-browser random cookie, and a form token that is an
// HMAC of it under a key derived from the KEK (so every instance accepts it). A POST must carry
// a matching token and, when the browser says where it comes from, come from our own origin.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { setCookie } from './sessions.js';
import { csrfRejected } from '../errors.js';
import type { Ids } from '../ids.js';

const CSRF_COOKIE = 'fedmeta_csrf';

export class Csrf {
  private readonly key: Buffer;

  constructor(
    kek: Buffer,
    private readonly config: Config,
    private readonly ids: Pick<Ids, 'secret'>,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'fedmeta csrf v1', 32));
  }

  private tokenFor(secret: string): string {
    return createHmac('sha256', this.key).update(secret).digest('base64url');
  }

  /** The token to put in a form's hidden `csrf` field; sets the cookie when the browser has none. */
  issue(ctx: Context): string {
    let secret = ctx.cookies.get(CSRF_COOKIE);
    if (!secret || !/^[\w-]{43}$/.test(secret)) {
      secret = this.ids.secret();
      setCookie(ctx, this.config, CSRF_COOKIE, secret);
    }
    return this.tokenFor(secret);
  }

  /** Throws 403 unless the request comes from our origin with a token matching its cookie. */
  verify(ctx: Context, token: unknown): void {
    const site = ctx.get('Sec-Fetch-Site');
    if (site && site !== 'same-origin' && site !== 'none') throw csrfRejected('Cross-site form submission refused');
    const origin = ctx.get('Origin');
    if (origin && origin !== new URL(this.config.issuer).origin) throw csrfRejected('Form submitted from another origin');
    const secret = ctx.cookies.get(CSRF_COOKIE);
    if (!secret || typeof token !== 'string') throw csrfRejected('The form has expired; reload the page and try again');
    const expected = Buffer.from(this.tokenFor(secret));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw csrfRejected('The form has expired; reload the page and try again');
    }
  }
}
