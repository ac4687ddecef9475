// WS-Federation passive requestor profile (WS-Federation 1.2 section 13): wsignin1.0 answers an
// auto-POST form to a registered wreply carrying a signed token; wsignout1.0 and wsignoutcleanup1.0
// end the session once confirmed by a CSRF-protected POST. The key-set snapshot is read once per sign-in: the kid that signs is the kid logged.
import { profileOf } from '../users/types.js';
import { buildSignedWresultAsync } from '../wsfed/signin.js';
import { chooseWreply, needsFreshLogin, parseWsfedQuery, type WsfedRequest } from '../wsfed/request.js';
import { wsfedError } from '../errors.js';
import { pathFor } from '../route-paths.js';
import { resolveWsfedApp, resumedApp, type WsfedApp } from './applications.js';
import { currentSession, endSession, type ActiveSession } from './sessions.js';
import { resumePendingLogin, savePendingLogin } from './pending-login.js';
import { postForm, signedOutPage, type Outcome, type SsoDeps, type Visitor } from './outcome.js';

interface PendingSignIn {
  clientId: string;
  wreply: string;
  wctx: string | undefined;
}

interface SignOutConfirmation {
  /** The user confirmed (the POST of the confirmation page). */
  confirmed: boolean;
  /** Where the confirmation form posts: the path the request came to. */
  action: string;
}

/** Asks the signed-in user to confirm; the form carries the request's parameters back. */
function confirmationPage(request: WsfedRequest, action: string, app: WsfedApp | undefined, active: ActiveSession, wreply: string | undefined): Outcome {
  const fields = (['wa', 'wtrealm', 'wreply', 'wctx'] as const).filter((name) => request[name] !== undefined).map((name) => ({ name, value: request[name]! }));
  const data = { action, fields, application: app?.name, email: active.user.email };
  // The POST answers with a redirect to wreply: form-action must allow its origin.
  return { kind: 'page', template: 'wsfed-signout.html', data, formAction: wreply ? [new URL(wreply).origin] : [], withCsrf: true };
}

export function wsfedSignIn(deps: SsoDeps) {
  const { config, store, keyring, catalog, clock, ids, metrics } = deps;

  async function answerWithToken(app: WsfedApp, active: ActiveSession, wreply: string, wctx: string | undefined, ip: string): Promise<Outcome> {
    const now = clock.now();
    const key = keyring.snapshot.signing;
    const { wresult, assertionId } = await buildSignedWresultAsync({ entityId: config.samlEntityId, app, wreply, profile: profileOf(active.user), session: active.session, key, now, ids });
    metrics.signed(app.addons.wsfed.tokenFormat === 'saml20' ? 'wsfed_saml2_assertion' : 'wsfed_saml11_assertion');
    const details = { protocol: 'wsfed', client_id: app.clientId, kid: key.kid, token_format: app.addons.wsfed.tokenFormat, assertion_id: assertionId };
    await store.recordSignIns([{ at: now, audit: { event: 'sso_succeeded', description: `Signed in to ${app.name} (WS-Federation)`, actor: { type: 'user', id: active.user.userId, ip }, details } }]);
    return postForm(wreply, { wa: 'wsignin1.0', wresult, wctx });
  }

  /** wsignin1.0 at /wsfed or /wsfed/:client_id. */
  async function signIn(request: WsfedRequest, clientId: string | undefined, visitor: Visitor): Promise<Outcome> {
    const app = resolveWsfedApp(catalog, clientId, request, true)!;
    const wreply = chooseWreply(app, request.wreply);
    const now = clock.now();
    const active = await currentSession(store, visitor.sessionCookie, now);
    // Without a session the coming login is fresh anyway, unless wfresh=0 asks for one after this request.
    const forceLogin = needsFreshLogin(request.wfresh, active?.session.createdAt ?? now, now);
    if (active && !forceLogin) return answerWithToken(app, active, wreply, request.wctx, visitor.ip);
    const payload: PendingSignIn = { clientId: app.clientId, wreply, wctx: request.wctx };
    const describe = (id: string) => ({ returnTo: pathFor('wsfed-resume', { state: id }), applicationName: app.name, forceLogin, payload });
    return { kind: 'login', state: await savePendingLogin(store, ids, describe, now) };
  }

  /** After /login: answer the sign-in that was waiting. */
  async function resume(state: string, visitor: Visitor): Promise<Outcome> {
    const resumed = await resumePendingLogin<PendingSignIn>(store, state, visitor.sessionCookie, clock.now());
    if ('outcome' in resumed) return resumed.outcome;
    const { payload, active } = resumed;
    const app = resumedApp(catalog, payload.clientId, 'wsfed');
    // The callbacks may have changed while the user was signing in.
    return answerWithToken(app, active, chooseWreply(app, payload.wreply), payload.wctx, visitor.ip);
  }

  /**
   * wsignout1.0 / wsignoutcleanup1.0 (13.2.4): the wreply is checked first. The request carries no
   * token, so a plain GET (which any site can make the browser send) never ends a session: it asks for
   * a confirmation whose POST back to `confirm.action`, with a CSRF token, does (`confirm.confirmed`).
   */
  async function signOut(request: WsfedRequest, clientId: string | undefined, visitor: Visitor, confirm: SignOutConfirmation): Promise<Outcome> {
    const app = resolveWsfedApp(catalog, clientId, request, false);
    if (request.wreply !== undefined && !app) {
      throw wsfedError('wsfed_wreply_not_registered', 'A "wreply" needs the application: give "wtrealm" or use /wsfed/:client_id');
    }
    const wreply = request.wreply === undefined ? undefined : chooseWreply(app!, request.wreply);
    const now = clock.now();
    const active = await currentSession(store, visitor.sessionCookie, now);
    if (active && !confirm.confirmed) return confirmationPage(request, confirm.action, app, active, wreply);
    await endSession(store, visitor.sessionCookie);
    if (active) {
      const description = `Signed out${app ? ` from ${app.name}` : ''} (WS-Federation ${request.wa})`;
      await store.appendAudit({ event: 'logout', description, actor: { type: 'user', id: active.user.userId, ip: visitor.ip }, details: app ? { client_id: app.clientId } : {} }, now);
    }
    return wreply ? { kind: 'redirect', location: wreply, clearSession: true } : signedOutPage({ clearSession: true });
  }

  /** A GET at /wsfed or /wsfed/:client_id (`action`): its wa says which, sign in or sign out. */
  const answer = (request: WsfedRequest, clientId: string | undefined, visitor: Visitor, action: string) =>
    request.wa === 'wsignin1.0' ? signIn(request, clientId, visitor) : signOut(request, clientId, visitor, { confirmed: false, action });

  /** The confirmation page's POST (its CSRF token already checked): a sign-out action ends the session. */
  async function confirmSignOut(fields: Record<string, unknown>, clientId: string | undefined, visitor: Visitor, action: string): Promise<Outcome> {
    for (const [name, value] of Object.entries(fields)) {
      if (typeof value !== 'string') throw wsfedError('invalid_request', `"${name}" must be a string`);
    }
    const request = parseWsfedQuery(fields as Record<string, string>);
    if (request.wa === 'wsignin1.0') throw wsfedError('wsfed_unsupported_action', 'Only wsignout1.0 and wsignoutcleanup1.0 are accepted by POST');
    return signOut(request, clientId, visitor, { confirmed: true, action });
  }

  return { answer, signIn, resume, signOut, confirmSignOut };
}
