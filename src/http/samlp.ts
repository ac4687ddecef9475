// /samlp: SAML 2.0 Web Browser SSO (SP-initiated over HTTP-Redirect or HTTP-POST, IdP-initiated)
// and SP-initiated single logout. Everything that arrives is untrusted: the request is decoded with
// hard size caps, its signature (when the application has a signingCert) is checked with that
// certificate only, and the answer only ever goes to a URL registered for the application.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { idpInitiatedAllowed, type Application, type SamlpAddon } from '../clients/types.js';
import { readFields, type BodyFields } from './body.js';
import { currentSession, endSession, type ActiveSession } from '../auth/sessions.js';
import { resumePendingLogin, savePendingLogin } from '../auth/pending-login.js';
import {
  DEFAULT_POST_LIMITS,
  decodePostMessage,
  decodeRedirectMessage,
  parseRedirectQuery,
  verifyRedirectSignature,
} from '../saml/bindings.js';
import { checkAuthnRequest, noPassiveError, parseAuthnRequest, readSignedPostRequest, DEFAULT_SKEW_SECONDS, type AuthnRequestInfo } from '../saml/authn-request.js';
import { checkLogoutRequest, parseLogoutRequest, readSignedPostLogoutRequest, type LogoutRequestInfo } from '../saml/logout-request.js';
import { buildSignedErrorResponse, buildSignedSsoResponse } from '../saml/sso-response.js';
import { buildLogoutResponse, logoutResponseElement, signLogoutResponse } from '../saml/logout-response.js';
import { signedRedirectUrl } from '../saml/redirect-binding.js';
import { STATUS } from '../saml/status.js';
import { samlEndpoints } from '../published/saml-metadata.js';
import { pathFor } from '../route-paths.js';
import { SamlRequestError, idpInitiatedDisabled, invalidRequest, notFound } from '../errors.js';
import { logType } from '../audit/types.js';

type SamlApp = Application & { addons: { samlp: SamlpAddon } };

/** Second-level status (core 3.2.2.2): the request names a principal unknown to this session. */
const UNKNOWN_PRINCIPAL = 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal';

/** RelayState is opaque to us and echoed as is; bindings 3.4.3 asks for at most 80 bytes, SPs send more. */
const MAX_RELAY_STATE = 2048;
const POST_BODY_LIMIT = DEFAULT_POST_LIMITS.maxEncodedBytes + 8 * 1024;

interface IncomingMessage {
  binding: 'redirect' | 'post';
  xml: string | undefined;
  relayState: string | undefined;
  /** For HTTP-Redirect: the raw query string, the bytes its signature covers. */
  rawQuery: string;
  /** The message carries a signature (query Signature, or an enveloped ds:Signature). */
  signaturePresent: boolean;
}

function checkRelayState(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_RELAY_STATE) {
    throw invalidRequest(`RelayState must be a string of at most ${MAX_RELAY_STATE} bytes`);
  }
  return value;
}

/** The SAML message of a GET (HTTP-Redirect) or POST (HTTP-POST) request, decoded but not yet trusted. */
async function readMessage(ctx: Context, parameter: 'SAMLRequest'): Promise<IncomingMessage> {
  if (ctx.method === 'POST') {
    const fields: BodyFields = await readFields(ctx, POST_BODY_LIMIT);
    const encoded = fields[parameter];
    if (encoded !== undefined && typeof encoded !== 'string') throw invalidRequest(`${parameter} must be a string`);
    const xml = encoded ? decodePostMessage(encoded) : undefined;
    // Whether a POSTed message is signed is read from its XML (hasSignature) once parsed.
    return { binding: 'post', xml, relayState: checkRelayState(fields.RelayState), rawQuery: '', signaturePresent: false };
  }
  const rawQuery = ctx.querystring;
  // Decoded names: an escaped SAML%52equest must reach parseRedirectQuery (which refuses it), not
  // be taken for an IdP-initiated request.
  if (![...new URLSearchParams(rawQuery).keys()].includes(parameter)) {
    const relay = ctx.query.RelayState;
    return { binding: 'redirect', xml: undefined, relayState: checkRelayState(Array.isArray(relay) ? undefined : relay), rawQuery, signaturePresent: false };
  }
  const query = parseRedirectQuery(rawQuery);
  return {
    binding: 'redirect',
    xml: decodeRedirectMessage(query.message),
    relayState: checkRelayState(query.relayState),
    rawQuery,
    signaturePresent: query.signature !== undefined,
  };
}

export function samlpHandlers({ config, store, keyring, catalog, clock, ids, renderer }: AppDeps) {
  const samlApp = (app: Application | undefined): SamlApp | undefined => (app?.addons.samlp ? (app as SamlApp) : undefined);

  /** /samlp/:client_id names the application; /samlp finds it by the message's Issuer. */
  function resolveApp(ctx: Context, issuer: string | undefined): SamlApp {
    const clientId = ctx.params.client_id as string | undefined;
    if (clientId !== undefined) {
      const app = samlApp(catalog.get(clientId));
      if (!app) throw notFound(`No SAML application with client_id "${clientId}"`);
      return app;
    }
    const app = issuer === undefined ? undefined : samlApp(catalog.bySamlAudience(issuer));
    if (!app) throw new SamlRequestError('saml_request_unknown_issuer', `No application is registered for the Issuer "${issuer ?? ''}"`);
    return app;
  }

  const endpointUrls = (app: SamlApp, kind: 'sso' | 'slo') => [samlEndpoints(config, app.clientId)[kind], samlEndpoints(config)[kind]];

  /** Parses a request, verifying its signature with the application's certificate when it has one. */
  function readRequest<T extends { issuer: string; hasSignature: boolean }>(
    ctx: Context,
    message: IncomingMessage & { xml: string },
    parse: (xml: string) => T,
    parseSigned: (xml: string, cert: string, allowSha1: boolean) => T,
  ): { request: T; app: SamlApp; signed: boolean } {
    const unverified = parse(message.xml);
    const app = resolveApp(ctx, unverified.issuer);
    const cert = app.addons.samlp.signingCert;
    if (!cert) return { request: unverified, app, signed: false };
    // SHA-1 only from an application registered for it (addons.samlp.signatureAlgorithm).
    const allowSha1 = app.addons.samlp.signatureAlgorithm === 'rsa-sha1';
    if (message.binding === 'redirect') {
      if (!message.signaturePresent) return { request: unverified, app, signed: false };
      verifyRedirectSignature(message.rawQuery, cert, allowSha1);
      return { request: unverified, app, signed: true };
    }
    if (!unverified.hasSignature) return { request: unverified, app, signed: false };
    // Everything read from here on comes from the signed bytes only.
    return { request: parseSigned(message.xml, cert, allowSha1), app, signed: true };
  }

  async function rejectReplay(request: { issuer: string; id: string; issueInstant: Date }, signed: boolean): Promise<void> {
    if (!signed) return;
    const expires = new Date(request.issueInstant.getTime() + 2 * DEFAULT_SKEW_SECONDS * 1000);
    if (!(await store.rememberRequestId(request.issuer, request.id, expires, clock.now()))) {
      throw new SamlRequestError('saml_request_replayed', 'This signed request was already used');
    }
  }

  /** Sign the user in to `app`: a Response posted to the ACS, and the app recorded in the session. */
  async function answerWithAssertion(ctx: Context, app: SamlApp, active: ActiveSession, acsUrl: string, inResponseTo: string | undefined, relayState: string | undefined) {
    const now = clock.now();
    const response = buildSignedSsoResponse({
      entityId: config.samlEntityId,
      app,
      acsUrl,
      inResponseTo,
      user: active.user,
      session: active.session,
      key: keyring.snapshot.signing,
      now,
      ids,
    });
    await store.addSessionParticipant(active.session.idHash, {
      clientId: app.clientId,
      sessionIndex: response.sessionIndex,
      nameId: response.nameId,
      nameIdFormat: response.nameIdFormat,
    });
    await store.appendAudit(
      { type: logType('sso_succeeded'), description: `Signed in to ${app.name} (SAML)`, actor: { type: 'user', id: active.user.userId, ip: ctx.ip }, details: { client_id: app.clientId, kid: keyring.snapshot.signing.kid } },
      now,
    );
    renderer.postForm(ctx, acsUrl, { SAMLResponse: Buffer.from(response.xml, 'utf8').toString('base64'), RelayState: relayState });
  }

  /** A refused request the SP should hear about: a signed error Response posted to its registered ACS. */
  function answerWithStatus(ctx: Context, app: SamlApp, error: SamlRequestError, relayState: string | undefined): void {
    const xml = buildSignedErrorResponse({
      entityId: config.samlEntityId,
      samlp: app.addons.samlp,
      destination: error.responseUrl!,
      inResponseTo: error.inResponseTo,
      status: { ...error.samlStatus!, message: error.message },
      key: keyring.snapshot.signing,
      now: clock.now(),
      ids,
    });
    renderer.postForm(ctx, error.responseUrl!, { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), RelayState: relayState });
  }

  async function sso(ctx: Context): Promise<void> {
    const message = await readMessage(ctx, 'SAMLRequest');
    const now = clock.now();
    if (message.xml === undefined) {
      // IdP-initiated SSO (SAML profiles 4.1.5): unsolicited, to the application's first callback.
      const app = resolveApp(ctx, undefined);
      if (!idpInitiatedAllowed(app.addons.samlp)) {
        throw idpInitiatedDisabled('IdP-initiated sign-in is turned off for this application (addons.samlp.idpInitiated): start the sign-in at the application');
      }
      return continueSignIn(ctx, app, { acsUrl: app.callbacks[0]!, relayState: message.relayState, forceAuthn: false, isPassive: false });
    }
    const { request, app, signed } = readRequest<AuthnRequestInfo>(ctx, message as IncomingMessage & { xml: string }, parseAuthnRequest, readSignedPostRequest);
    let acsUrl: string;
    try {
      acsUrl = checkAuthnRequest(request, { app, endpointUrls: endpointUrls(app, 'sso'), now, signed });
      await rejectReplay(request, signed);
    } catch (error) {
      if (error instanceof SamlRequestError && error.samlStatus && error.responseUrl) return answerWithStatus(ctx, app, error, message.relayState);
      throw error;
    }
    return continueSignIn(ctx, app, { acsUrl, inResponseTo: request.id, relayState: message.relayState, forceAuthn: request.forceAuthn, isPassive: request.isPassive });
  }

  interface SignInRequest {
    acsUrl: string;
    inResponseTo?: string | undefined;
    relayState: string | undefined;
    forceAuthn: boolean;
    isPassive: boolean;
  }

  async function continueSignIn(ctx: Context, app: SamlApp, signIn: SignInRequest): Promise<void> {
    const now = clock.now();
    const active = await currentSession(ctx, store, now);
    if (active && !signIn.forceAuthn) return answerWithAssertion(ctx, app, active, signIn.acsUrl, signIn.inResponseTo, signIn.relayState);
    if (signIn.isPassive) {
      return answerWithStatus(ctx, app, noPassiveError({ id: signIn.inResponseTo }, signIn.acsUrl), signIn.relayState);
    }
    const state = await savePendingLogin(
      store,
      ids,
      (id) => ({ returnTo: pathFor('saml-resume', { state: id }), applicationName: app.name, forceLogin: signIn.forceAuthn, payload: { clientId: app.clientId, ...signIn } }),
      now,
    );
    ctx.status = 303;
    ctx.redirect(pathFor('login', {}, { state }));
  }

  /** After /login: answer the request that was waiting. */
  async function resume(ctx: Context): Promise<void> {
    const resumed = await resumePendingLogin<SignInRequest & { clientId: string }>(ctx, store, clock.now());
    if (!resumed) return;
    const { payload, active } = resumed;
    const app = samlApp(catalog.get(payload.clientId));
    if (!app) throw notFound('The application was deleted during sign-in');
    await answerWithAssertion(ctx, app, active, payload.acsUrl, payload.inResponseTo, payload.relayState);
  }

  /** SP-initiated single logout (SAML profiles 4.4): end the session, answer a signed LogoutResponse. */
  async function logout(ctx: Context): Promise<void> {
    const message = await readMessage(ctx, 'SAMLRequest');
    if (message.xml === undefined) throw invalidRequest('SAMLRequest (a LogoutRequest) is required');
    const now = clock.now();
    const { request, app, signed } = readRequest<LogoutRequestInfo>(ctx, message as IncomingMessage & { xml: string }, parseLogoutRequest, readSignedPostLogoutRequest);
    let responseUrl: string;
    let status;
    try {
      responseUrl = checkLogoutRequest(request, { app, endpointUrls: endpointUrls(app, 'slo'), now, signed });
      await rejectReplay(request, signed);
    } catch (error) {
      if (!(error instanceof SamlRequestError && error.samlStatus && error.responseUrl)) throw error;
      responseUrl = error.responseUrl;
      status = { ...error.samlStatus, message: error.message };
    }
    if (!status && (await endMatchingSession(ctx, app, request)) === 'mismatch') {
      // Not this application's subject in this session: the session stays (core 3.7.3.2).
      status = { code: STATUS.requester, subCode: UNKNOWN_PRINCIPAL, message: 'the NameID or SessionIndex does not match a session of this application' };
    }
    const logoutResponse = { id: ids.samlId(), issuer: config.samlEntityId, now, destination: responseUrl, inResponseTo: request.id, status };
    const samlp = app.addons.samlp;
    if (message.binding === 'redirect') {
      ctx.status = 303;
      return ctx.redirect(signedRedirectUrl(responseUrl, 'SAMLResponse', buildLogoutResponse(logoutResponse), { key: keyring.snapshot.signing, relayState: message.relayState, signatureAlgorithm: samlp.signatureAlgorithm }));
    }
    const signedXml = signLogoutResponse(logoutResponseElement(logoutResponse), { key: keyring.snapshot.signing, signatureAlgorithm: samlp.signatureAlgorithm, digestAlgorithm: samlp.digestAlgorithm });
    renderer.postForm(ctx, responseUrl, { SAMLResponse: Buffer.from(signedXml, 'utf8').toString('base64'), RelayState: message.relayState });
  }

  /**
   * Ends the session in which `app` issued exactly this NameID (and, when the request names any, one of
   * its SessionIndexes): the browser's own session first, else the one a SessionIndex names (a
   * cross-site POST carries no cookie). 'mismatch', and nothing ended, when there is a session but not
   * one that matches; 'none' when there is no session at all (already signed out).
   */
  async function endMatchingSession(ctx: Context, app: SamlApp, request: LogoutRequestInfo): Promise<'ended' | 'none' | 'mismatch'> {
    const now = clock.now();
    const matches = (session: { participants: Array<{ clientId: string; nameId: string; sessionIndex: string }> } | undefined) =>
      session?.participants.some(
        (p) => p.clientId === app.clientId && p.nameId === request.nameId && (request.sessionIndexes.length === 0 || request.sessionIndexes.includes(p.sessionIndex)),
      ) ?? false;
    const fromCookie = await currentSession(ctx, store, now);
    let session = matches(fromCookie?.session) ? fromCookie!.session : undefined;
    let found = fromCookie !== undefined;
    for (const index of request.sessionIndexes) {
      if (session) break;
      const candidate = await store.findSessionBySessionIndex(index, now);
      found ||= candidate !== undefined;
      if (matches(candidate)) session = candidate;
    }
    if (!session) return found ? 'mismatch' : 'none';
    await store.deleteSession(session.idHash);
    if (fromCookie && fromCookie.session.idHash === session.idHash) await endSession(ctx, store, config);
    await store.appendAudit({ type: logType('logout'), description: `Signed out from ${app.name} (SAML single logout)`, actor: { type: 'user', id: session.userId, ip: ctx.ip }, details: { client_id: app.clientId } }, now);
    return 'ended';
  }

  return { sso, resume, logout };
}
