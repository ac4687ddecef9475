// SP-initiated single logout (SAML profiles 4.4): end the session the LogoutRequest names and answer
// a signed LogoutResponse on the binding the request came by.
import { checkLogoutRequest, parseLogoutRequest, readSignedPostLogoutRequest, type LogoutRequestInfo } from '../saml/logout-request.js';
import { buildLogoutResponse, signLogoutResponse } from '../saml/logout-response.js';
import { signedRedirectUrl } from '../saml/redirect-binding.js';
import type { SamlStatus } from '../saml/response.js';
import { newSamlId } from '../saml/ids.js';
import { invalidRequest } from '../errors.js';
import type { SamlApp } from './applications.js';
import { isAnswerable, readMessage, readRequest, rejectReplay, type IncomingMessage, type SamlBindingInput } from './saml-message.js';
import { samlEndpointUrls } from './saml-signin.js';
import { currentSession } from './sessions.js';
import { postForm, type Outcome, type SessionEffect, type SsoDeps, type Visitor } from './outcome.js';

export function samlLogout(deps: SsoDeps) {
  const { config, store, keyring, catalog, clock } = deps;

  /** The browser's session if it has our cookie, else the one the SP's SessionIndex names (cross-site POST). */
  async function endMatchingSession(app: SamlApp, request: LogoutRequestInfo, visitor: Visitor): Promise<SessionEffect> {
    const now = clock.now();
    const fromCookie = await currentSession(store, visitor.sessionCookie, now);
    let session = fromCookie?.session;
    for (const index of request.sessionIndexes) {
      if (session) break;
      session = await store.findSessionBySessionIndex(index, now);
    }
    const participant = session?.participants.find((p) => p.clientId === app.clientId && p.nameId === request.nameId);
    const endCookieSession = async (): Promise<SessionEffect> => {
      await store.deleteSession(fromCookie!.session.idHash);
      return { clearSession: true };
    };
    if (!session || !participant) return fromCookie ? endCookieSession() : {};
    await store.deleteSession(session.idHash);
    const effect = fromCookie && fromCookie.session.idHash === session.idHash ? await endCookieSession() : {};
    const actor = { type: 'user' as const, id: session.userId, ip: visitor.ip };
    await store.appendAudit({ type: 'slo', description: `Signed out from ${app.name} (SAML single logout)`, actor, details: { client_id: app.clientId } }, now);
    return effect;
  }

  /** The LogoutResponse: redirected back over HTTP-Redirect, or auto-posted. */
  function answer(app: SamlApp, message: IncomingMessage, destination: string, inResponseTo: string, status: SamlStatus | undefined): Outcome {
    const now = clock.now();
    const xml = buildLogoutResponse({ id: newSamlId(), issuer: config.samlEntityId, now, destination, inResponseTo, status });
    const { signatureAlgorithm, digestAlgorithm } = app.addons.samlp;
    const key = keyring.snapshot.signing;
    if (message.binding === 'redirect') {
      return { kind: 'redirect', location: signedRedirectUrl(destination, 'SAMLResponse', xml, { key, relayState: message.relayState, signatureAlgorithm }) };
    }
    const signedXml = signLogoutResponse(xml, { key, signatureAlgorithm, digestAlgorithm });
    return postForm(destination, { SAMLResponse: Buffer.from(signedXml, 'utf8').toString('base64'), RelayState: message.relayState });
  }

  /** A LogoutRequest at /samlp/logout or /samlp/:client_id/logout. */
  async function logout(input: SamlBindingInput, visitor: Visitor): Promise<Outcome> {
    const message = readMessage(input, 'SAMLRequest');
    if (message.xml === undefined) throw invalidRequest('SAMLRequest (a LogoutRequest) is required');
    const now = clock.now();
    const { request, app, signed } = readRequest<LogoutRequestInfo>(catalog, input.clientId, message as IncomingMessage & { xml: string }, parseLogoutRequest, readSignedPostLogoutRequest);
    let responseUrl: string;
    let status: SamlStatus | undefined;
    try {
      responseUrl = checkLogoutRequest(request, { app, endpointUrls: samlEndpointUrls(config, app, 'slo'), now, signed });
      await rejectReplay(store, request, signed, now);
    } catch (error) {
      if (!isAnswerable(error)) throw error;
      responseUrl = error.responseUrl;
      status = { ...error.samlStatus, message: error.message };
    }
    const effect = status ? {} : await endMatchingSession(app, request, visitor);
    return { ...answer(app, message, responseUrl, request.id, status), ...effect };
  }

  return { logout };
}
