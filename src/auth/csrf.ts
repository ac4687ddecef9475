// CSRF protection for browser forms. The form token is an HMAC, under a key derived from the KEK
// (so every instance accepts it), of what the server knows the browser by:
//   - signed in: the session (the SHA-256 of its cookie, as the store keeps it), so a token issued
//     for one session is refused for every other session;
//   - before sign-in (the /login form): a pre-session cookie the server made and signed itself
//     (`nonce.HMAC(nonce)`), so a client cannot choose it.
// A POST must carry the matching token and, when the browser says where it comes from, come from
// our own origin. No web framework here: the http layer (src/http/csrf.ts) passes the cookie and
// header values and sets the pre-session cookie.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { csrfRejected } from '../errors.js';
import { sessionIdHash } from './sessions.js';

/** The browser's cookies that a token can be bound to. */
export interface CsrfCookies {
  session: string | undefined;
  preSession: string | undefined;
}

/** What a form submission brings for the check. */
export interface CsrfEvidence {
  cookies: CsrfCookies;
  /** The form's `csrf` field. */
  token: unknown;
  /** The Sec-Fetch-Site request header ('' when absent). */
  fetchSite: string;
  /** The Origin request header ('' when absent). */
  origin: string;
}

export class Csrf {
  private readonly key: Buffer;

  constructor(
    kek: Buffer,
    /** Our own origin, e.g. https://id.example.com. */
    private readonly origin: string,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'fedmeta csrf v2', 32));
  }

  private mac(purpose: string, value: string): string {
    return createHmac('sha256', this.key).update(`${purpose}\0${value}`).digest('base64url');
  }

  /** What the browser is known by: its session if it sends a plausible session cookie, else a genuine pre-session cookie. */
  binding(cookies: CsrfCookies): string | undefined {
    const session = sessionIdHash(cookies.session);
    if (session) return `session:${session}`;
    const match = cookies.preSession ? /^([\w-]{43})\.([\w-]{43})$/.exec(cookies.preSession) : null;
    if (!match || !equal(this.mac('pre-session cookie', match[1]!), match[2]!)) return undefined;
    return `pre-session:${match[1]}`;
  }

  /** A server-signed pre-session from a fresh random `nonce`: the cookie value to set and the binding it gives. */
  preSession(nonce: string): { cookieValue: string; binding: string } {
    return { cookieValue: `${nonce}.${this.mac('pre-session cookie', nonce)}`, binding: `pre-session:${nonce}` };
  }

  /** The token for a form's hidden `csrf` field. */
  tokenFor(binding: string): string {
    return this.mac('form token', binding);
  }

  /** Throws 403 `csrf_rejected` unless the request comes from our origin with the token of its session (or pre-session). */
  verify(evidence: CsrfEvidence): void {
    const site = evidence.fetchSite;
    if (site && site !== 'same-origin' && site !== 'none') throw csrfRejected('Cross-site form submission refused');
    if (evidence.origin && evidence.origin !== this.origin) throw csrfRejected('Form submitted from another origin');
    const binding = this.binding(evidence.cookies);
    const { token } = evidence;
    if (!binding || typeof token !== 'string' || !equal(this.tokenFor(binding), token)) {
      throw csrfRejected('The form has expired; reload the page and try again');
    }
  }
}

function equal(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
