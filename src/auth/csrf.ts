// CSRF protection for browser forms: a per-browser random secret (kept in a cookie by the http
// layer), and a form token that is an HMAC of it under a key derived from the KEK (so every instance
// accepts it). A POST must carry a matching token and, when the browser says where it comes from,
// come from our own origin. No web framework here: the caller passes the values it read.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { FedmetaError } from '../errors.js';

/** What a form submission brings for the check. */
export interface CsrfEvidence {
  /** The browser's secret (its CSRF cookie), if any. */
  secret: string | undefined;
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
    this.key = Buffer.from(hkdfSync('sha256', kek, Buffer.alloc(0), 'fedmeta csrf v1', 32));
  }

  /** Whether a cookie value has the shape of a secret we hand out. */
  isSecret(value: string | undefined): value is string {
    return !!value && /^[\w-]{43}$/.test(value);
  }

  newSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The token to put in a form's hidden `csrf` field for this secret. */
  tokenFor(secret: string): string {
    return createHmac('sha256', this.key).update(secret).digest('base64url');
  }

  /** Throws 403 unless the submission comes from our origin with a token matching its secret. */
  verify(evidence: CsrfEvidence): void {
    const forbidden = (message: string) => new FedmetaError(403, 'csrf_rejected', message);
    const site = evidence.fetchSite;
    if (site && site !== 'same-origin' && site !== 'none') throw forbidden('Cross-site form submission refused');
    if (evidence.origin && evidence.origin !== this.origin) throw forbidden('Form submitted from another origin');
    const { secret, token } = evidence;
    if (!secret || typeof token !== 'string') throw forbidden('The form has expired; reload the page and try again');
    const expected = Buffer.from(this.tokenFor(secret));
    const given = Buffer.from(token);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw forbidden('The form has expired; reload the page and try again');
    }
  }
}
