// CSRF protection for browser forms. The form token is an HMAC, under a key derived from the KEK
// (so every instance accepts it), of what the server knows the browser by:
//   - signed in: the session (the SHA-256 of its cookie, as the store keeps it), so a token issued
//     for one session is refused for every other session;
//   - before sign-in (the /login form): a pre-session cookie the server made and signed itself
//     (`nonce.HMAC(nonce)`), so a client cannot choose it.
// A POST must carry the matching token and, when the browser says where it comes from, come from
// our own origin.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Config } from '../config.js';
import { hashToken, SESSION_COOKIE, setCookie } from './sessions.js';
import { csrfRejected } from '../errors.js';
import type { Ids } from '../ids.js';

const PRE_SESSION_COOKIE = 'fedmeta_csrf';

export class Csrf {
  private readonly key: Buffer;
  private readonly issuedInRequest = new WeakMap<Context, string>();

  constructor(
    kek: Buffer,
    private readonly config: Config,
    private readonly ids: Pick<Ids, 'secret'>,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'fedmeta csrf v2', 32));
  }

  private mac(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${value}`).digest('base64url');
  }

  /** The session the browser presents (its id hash), if it sends a plausible session cookie. */
  private sessionBinding(ctx: Context): string | undefined {
    const value = ctx.cookies.get(SESSION_COOKIE);
    return value && value.length <= 100 ? `session:${hashToken(value)}` : undefined;
  }

  /** The server-signed pre-session value, if the browser sends a genuine one. */
  private preSessionBinding(ctx: Context): string | undefined {
    const cookie = ctx.cookies.get(PRE_SESSION_COOKIE);
    const match = cookie ? /^([\w-]{43})\.([\w-]{43})$/.exec(cookie) : null;
    if (!match || !equal(this.mac('pre-session cookie', match[1]!), match[2]!)) return undefined;
    return `pre-session:${match[1]}`;
  }

  /** The token to put in a form's hidden `csrf` field; before sign-in, sets the pre-session cookie when needed. */
  issue(ctx: Context): string {
    let binding = this.sessionBinding(ctx) ?? this.preSessionBinding(ctx) ?? this.issuedInRequest.get(ctx);
    if (!binding) {
      const nonce = this.ids.secret();
      setCookie(ctx, this.config, PRE_SESSION_COOKIE, `${nonce}.${this.mac('pre-session cookie', nonce)}`);
      binding = `pre-session:${nonce}`;
      // Later calls in this request (the flash signature) must bind to the same value.
      this.issuedInRequest.set(ctx, binding);
    }
    return this.mac('form token', binding);
  }

  /** Throws 403 `csrf_rejected` unless the request comes from our origin with the token of its session (or pre-session). */
  verify(ctx: Context, token: unknown): void {
    const site = ctx.get('Sec-Fetch-Site');
    if (site && site !== 'same-origin' && site !== 'none') throw csrfRejected('Cross-site form submission refused');
    const origin = ctx.get('Origin');
    if (origin && origin !== new URL(this.config.issuer).origin) throw csrfRejected('Form submitted from another origin');
    const binding = this.sessionBinding(ctx) ?? this.preSessionBinding(ctx);
    if (!binding || typeof token !== 'string' || !equal(this.mac('form token', binding), token)) {
      throw csrfRejected('The form has expired; reload the page and try again');
    }
  }
}

function equal(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
