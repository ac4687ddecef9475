// /wsfed: WS-Federation passive requestor profile (WS-Federation 1.2 section 13): wsignin1.0 answers
// an auto-POST form to a registered wreply carrying a signed token; wsignout1.0 and
// wsignoutcleanup1.0 end the session once confirmed by a CSRF-protected POST. /wsfed/:client_id names the application, /wsfed finds it by
// wtrealm. Federation metadata is served from the published documents.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { readFields } from './body.js';
import { sendDocument } from './published.js';
import { currentSession, endSession, type ActiveSession } from '../auth/sessions.js';
import { resumePendingLogin, savePendingLogin } from '../auth/pending-login.js';
import { wsfedMetadataDocument } from '../published/wsfed-metadata.js';
import { buildSignedWresult, type WsfedApp } from '../wsfed/signin.js';
import { checkRealm, chooseWreply, needsFreshLogin, parseWsfedQuery, type WsfedRequest } from '../wsfed/request.js';
import type { Application } from '../clients/types.js';
import { notFound, wsfedError } from '../errors.js';
import { pathFor } from '../route-paths.js';
import { logType } from '../audit/types.js';
import { publishedCacheSeconds } from '../published/cache-policy.js';
import { sightingRecorder } from './sightings.js';

interface PendingSignIn {
  clientId: string;
  wreply: string;
  wctx: string | undefined;
}

/** Sign-out form fields: wa, wtrealm, wreply, wctx and the CSRF token, nothing large. */
const SIGNOUT_BODY_LIMIT = 16 * 1024;

export function wsfedHandlers(deps: AppDeps) {
  const { config, store, keyring, catalog, clock, ids, csrf, renderer } = deps;
  const seen = sightingRecorder(deps);
  const wsfedApp = (app: Application | undefined): WsfedApp | undefined => (app?.addons.wsfed ? (app as WsfedApp) : undefined);

  /** The application the URL names, or (at /wsfed) the one registered for wtrealm; undefined only when neither is given and it is optional. */
  function resolveApp(ctx: Context, request: WsfedRequest, required: boolean): WsfedApp | undefined {
    const clientId = ctx.params.client_id as string | undefined;
    if (clientId !== undefined) {
      const app = wsfedApp(catalog.get(clientId));
      if (!app) throw notFound(`No WS-Federation application with client_id "${clientId}"`);
      checkRealm(app.addons.wsfed.realm, request.wtrealm, false);
      return app;
    }
    if (request.wtrealm === undefined && !required) return undefined;
    const app = request.wtrealm === undefined ? undefined : wsfedApp(catalog.byWsfedRealm(request.wtrealm));
    if (!app) throw wsfedError('wsfed_unknown_realm', 'The "wtrealm" is not a registered realm');
    return app;
  }

  async function answerWithToken(ctx: Context, app: WsfedApp, active: ActiveSession, wreply: string, wctx: string | undefined): Promise<void> {
    const now = clock.now();
    const key = keyring.snapshot.signing;
    const { wresult, assertionId } = buildSignedWresult({ entityId: config.samlEntityId, app, wreply, user: active.user, session: active.session, key, now, ids });
    await store.appendAudit(
      {
        type: logType('sso_succeeded'),
        description: `Signed in to ${app.name} (WS-Federation)`,
        actor: { type: 'user', id: active.user.userId, ip: ctx.ip },
        details: { client_id: app.clientId, kid: key.kid, token_format: app.addons.wsfed.tokenFormat, assertion_id: assertionId },
      },
      now,
    );
    renderer.postForm(ctx, wreply, { wa: 'wsignin1.0', wresult, wctx });
  }

  async function signIn(ctx: Context, request: WsfedRequest): Promise<void> {
    const app = resolveApp(ctx, request, true)!;
    const wreply = chooseWreply(app, request.wreply);
    const now = clock.now();
    const active = await currentSession(ctx, store, now);
    // Without a session the coming login is fresh anyway, unless wfresh=0 asks for one after this request.
    const forceLogin = needsFreshLogin(request.wfresh, active?.session.createdAt ?? now, now);
    if (active && !forceLogin) return answerWithToken(ctx, app, active, wreply, request.wctx);
    const payload: PendingSignIn = { clientId: app.clientId, wreply, wctx: request.wctx };
    const state = await savePendingLogin(store, ids, (id) => ({ returnTo: pathFor('wsfed-resume', { state: id }), applicationName: app.name, forceLogin, payload }), now);
    ctx.status = 303;
    ctx.redirect(pathFor('login', {}, { state }));
  }

  /** After /login: answer the sign-in that was waiting. */
  async function resume(ctx: Context): Promise<void> {
    const resumed = await resumePendingLogin<PendingSignIn>(ctx, store, clock.now());
    if (!resumed) return;
    const { payload, active } = resumed;
    const app = wsfedApp(catalog.get(payload.clientId));
    if (!app) throw notFound('The application was deleted during sign-in');
    // The callbacks may have changed while the user was signing in.
    await answerWithToken(ctx, app, active, chooseWreply(app, payload.wreply), payload.wctx);
  }

  /**
   * wsignout1.0 / wsignoutcleanup1.0 (13.2.4): the wreply is checked first. The request carries no
   * token, so a plain GET (which any site can make the browser send) never ends a session: it shows a
   * confirmation page whose POST, with a CSRF token, does (`confirmed`).
   */
  async function signOut(ctx: Context, request: WsfedRequest, confirmed: boolean): Promise<void> {
    const app = resolveApp(ctx, request, false);
    if (request.wreply !== undefined && !app) {
      throw wsfedError('wsfed_wreply_not_registered', 'A "wreply" needs the application: give "wtrealm" or use /wsfed/:client_id');
    }
    const wreply = request.wreply === undefined ? undefined : chooseWreply(app!, request.wreply);
    const now = clock.now();
    const active = await currentSession(ctx, store, now);
    if (active && !confirmed) {
      const fields = (['wa', 'wtrealm', 'wreply', 'wctx'] as const)
        .filter((name) => request[name] !== undefined)
        .map((name) => ({ name, value: request[name]! }));
      // The POST answers with a redirect to wreply: form-action must allow its origin.
      return renderer.render(
        ctx,
        'wsfed-signout.html',
        { action: ctx.path, fields, csrf: csrf.issue(ctx), application: app?.name, email: active.user.email },
        { formAction: wreply ? [new URL(wreply).origin] : [] },
      );
    }
    await endSession(ctx, store, config);
    if (active) {
      await store.appendAudit(
        { type: logType('logout'), description: `Signed out${app ? ` from ${app.name}` : ''} (WS-Federation ${request.wa})`, actor: { type: 'user', id: active.user.userId, ip: ctx.ip }, details: app ? { client_id: app.clientId } : {} },
        now,
      );
    }
    if (wreply) {
      ctx.status = 303;
      return ctx.redirect(wreply);
    }
    renderer.render(ctx, 'error.html', { title: 'Signed out', message: 'You are signed out of fedmeta.', code: 'signed_out' });
  }

  return {
    endpoint: async (ctx: Context) => {
      const request = parseWsfedQuery(ctx.query);
      return request.wa === 'wsignin1.0' ? signIn(ctx, request) : signOut(ctx, request, false);
    },
    /** The confirmation page's POST: a sign-out action with a valid CSRF token ends the session. */
    confirmSignOut: async (ctx: Context) => {
      const { csrf: token, ...fields } = await readFields(ctx, SIGNOUT_BODY_LIMIT);
      csrf.verify(ctx, token);
      for (const [name, value] of Object.entries(fields)) {
        if (typeof value !== 'string') throw wsfedError('invalid_request', `"${name}" must be a string`);
      }
      const request = parseWsfedQuery(fields as Record<string, string>);
      if (request.wa === 'wsignin1.0') throw wsfedError('wsfed_unsupported_action', 'Only wsignout1.0 and wsignoutcleanup1.0 are accepted by POST');
      return signOut(ctx, request, true);
    },
    resume,
    metadata: (ctx: Context) => {
      const clientId = ctx.params.client_id as string | undefined;
      if (clientId !== undefined && !wsfedApp(catalog.get(clientId))) throw notFound(`No WS-Federation application with client_id "${clientId}"`);
      seen(ctx, 'wsfed-metadata', { clientId });
      sendDocument(ctx, wsfedMetadataDocument(keyring.snapshot, config, clock.now(), clientId), publishedCacheSeconds(keyring.snapshot.keys, config, clock.now()));
    },
  };
}
