// What a sign-in or sign-out use case answers, as a value: the http layer renders it (src/http/outcome.ts).
// Nothing here knows about Koa; a use case returns one of these and the adapter turns it into a response.
import type { Services } from '../services.js';

/** Effects on the browser's session cookie that go with an outcome. */
export interface SessionEffect {
  /** Set the session cookie to this value (a new session began). */
  setSession?: string;
  /** Clear the session cookie (the session ended, or the cookie named none). */
  clearSession?: true;
}

export type Outcome = SessionEffect &
  (
    | { kind: 'post-form'; action: string; fields: Record<string, string | undefined> }
    | { kind: 'redirect'; location: string }
    | { kind: 'login'; state: string }
    | {
        kind: 'page';
        template: string;
        data: Record<string, unknown>;
        status?: number;
        /** The page holds a form that posts to these origins too (CSP form-action). */
        formAction?: string[];
        /** The page holds a form of ours: the renderer adds the browser's CSRF token as `csrf`. */
        withCsrf?: true;
      }
  );

/** What every use case reads from: configuration, the store, the key set, the applications, the time and the id source. */
export type SsoDeps = Pick<Services, 'config' | 'store' | 'keyring' | 'catalog' | 'clock' | 'ids' | 'metrics'>;

/** Who is asking: the browser's session cookie (if any) and its address, for the audit log. */
export interface Visitor {
  sessionCookie: string | undefined;
  ip: string;
}

export const postForm = (action: string, fields: Record<string, string | undefined>): Outcome => ({ kind: 'post-form', action, fields });

export const signedOutPage = (effect: SessionEffect = {}): Outcome => ({
  kind: 'page',
  template: 'error.html',
  data: { title: 'Signed out', message: 'You are signed out of fedmeta.', code: 'signed_out' },
  ...effect,
});
