// A WS-Fed passive request (WS-Federation 1.2 section 13.2) read from the query string: untrusted
// input, checked against what the application registered before anything is issued or any session
// changes. Every refusal is a 400 with its own code, shown as a page: never a redirect or a post.
import type { Application } from '../clients/types.js';
import { wsfedError } from '../errors.js';
import { WSFED_ACTIONS, type WsfedAction } from './namespaces.js';

/** wctx is opaque to us and echoed back; bounded like SAML RelayState. */
export const MAX_WCTX_BYTES = 2048;

export interface WsfedRequest {
  wa: WsfedAction;
  wtrealm?: string | undefined;
  wreply?: string | undefined;
  wctx?: string | undefined;
  /** Maximum age of the authentication in minutes; 0 asks for a fresh login (13.2.3). */
  wfresh?: number | undefined;
}

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (Array.isArray(value)) throw wsfedError('invalid_request', `Give "${name}" once`);
  return value === '' ? undefined : value;
}

export function parseWsfedQuery(query: Query): WsfedRequest {
  const wa = single(query, 'wa');
  if (wa === undefined) throw wsfedError('wsfed_unsupported_action', 'The "wa" parameter (wsignin1.0 or wsignout1.0) is required');
  if (!(WSFED_ACTIONS as readonly string[]).includes(wa)) {
    throw wsfedError('wsfed_unsupported_action', `Unsupported action; use one of ${WSFED_ACTIONS.join(', ')}`);
  }
  const wctx = single(query, 'wctx');
  if (wctx !== undefined && Buffer.byteLength(wctx) > MAX_WCTX_BYTES) {
    throw wsfedError('wsfed_wctx_too_long', `"wctx" must be at most ${MAX_WCTX_BYTES} bytes`);
  }
  const freshness = single(query, 'wfresh');
  if (freshness !== undefined && !/^\d{1,9}$/.test(freshness)) throw wsfedError('invalid_request', '"wfresh" must be a number of minutes');
  return {
    wa: wa as WsfedAction,
    wtrealm: single(query, 'wtrealm'),
    wreply: single(query, 'wreply'),
    wctx,
    wfresh: freshness === undefined ? undefined : Number(freshness),
  };
}

/** The application's registered realm must be the one asked for (when the URL names the application, wtrealm may be left out). */
export function checkRealm(realm: string, wtrealm: string | undefined, required: boolean): void {
  if (wtrealm === undefined && !required) return;
  if (wtrealm !== realm) throw wsfedError('wsfed_unknown_realm', 'The "wtrealm" is not a realm registered for this application');
}

/** wreply must be exactly (byte for byte) one of the application's callbacks; absent, the first. */
export function chooseWreply(app: Pick<Application, 'callbacks'>, wreply: string | undefined): string {
  if (wreply === undefined) {
    const first = app.callbacks[0];
    if (!first) throw wsfedError('wsfed_wreply_not_registered', 'The application has no registered callback URL');
    return first;
  }
  if (!app.callbacks.includes(wreply)) throw wsfedError('wsfed_wreply_not_registered', 'The "wreply" URL is not registered for this application');
  return wreply;
}

/** Whether the existing login is too old for wfresh (0: always). */
export function needsFreshLogin(wfresh: number | undefined, authenticatedAt: Date, now: Date): boolean {
  if (wfresh === undefined) return false;
  return wfresh === 0 || now.getTime() - authenticatedAt.getTime() > wfresh * 60_000;
}
