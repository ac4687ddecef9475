// /wsfed: WS-Federation passive requestor profile (WS-Federation 1.2 section 13): wsignin1.0 answers
// an auto-POST form to a registered wreply carrying a signed token; wsignout1.0 and
// wsignoutcleanup1.0 end the session. /wsfed/:client_id names the application, /wsfed finds it by
// wtrealm. Federation metadata is served from the published documents.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
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

interface PendingSignIn {
  clientId: string;
  wreply: string;
  wctx: string | undefined;
}

export function wsfedHandlers({ config, store, keyring, catalog, clock, ids, renderer }: AppDeps) {
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

  /** wsignout1.0 / wsignoutcleanup1.0 (13.2.4): the wreply is checked first, then the session ends. */
  async function signOut(ctx: Context, request: WsfedRequest): Promise<void> {
    const app = resolveApp(ctx, request, false);
    if (request.wreply !== undefined && !app) {
      throw wsfedError('wsfed_wreply_not_registered', 'A "wreply" needs the application: give "wtrealm" or use /wsfed/:client_id');
    }
    const wreply = request.wreply === undefined ? undefined : chooseWreply(app!, request.wreply);
    const now = clock.now();
    const active = await currentSession(ctx, store, now);
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
      return request.wa === 'wsignin1.0' ? signIn(ctx, request) : signOut(ctx, request);
    },
    resume,
    metadata: (ctx: Context) => {
      const clientId = ctx.params.client_id as string | undefined;
      if (clientId !== undefined && !wsfedApp(catalog.get(clientId))) throw notFound(`No WS-Federation application with client_id "${clientId}"`);
      sendDocument(ctx, wsfedMetadataDocument(keyring.snapshot, config, clock.now(), clientId), config.metadataCacheSeconds);
    },
  };
}
