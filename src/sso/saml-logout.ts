// SP-initiated single logout (SAML profiles 4.4): end the session the LogoutRequest names and answer
// a signed LogoutResponse on the binding the request came by.
import { checkLogoutRequest, parseLogoutRequest, readSignedPostLogoutRequest, type LogoutRequestInfo } from '../saml/logout-request.js';
import { buildLogoutResponse, logoutResponseElement, signLogoutResponse } from '../saml/logout-response.js';
import { signedRedirectUrl } from '../saml/redirect-binding.js';
import { STATUS, type SamlStatus } from '../saml/status.js';
import type { SessionRecord } from '../auth/session-store.js';
import { invalidRequest } from '../errors.js';
import type { SamlApp } from './applications.js';
import { isAnswerable, readMessage, readRequest, rejectReplay, samlEndpointUrls, type IncomingMessage, type SamlBindingInput } from './saml-message.js';
import { currentSession } from './sessions.js';
import { postForm, type Outcome, type SessionEffect, type SsoDeps, type Visitor } from './outcome.js';

/** Second-level status (core 3.2.2.2): the request names a principal unknown to this session. */
const UNKNOWN_PRINCIPAL_STATUS: SamlStatus = {
  code: STATUS.requester,
  subCode: 'urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal',
  message: 'the NameID or SessionIndex does not match a session of this application',
};

export function samlLogout(deps: SsoDeps) {
  const { config, store, keyring, catalog, clock, ids, metrics } = deps;

  /**
   * Ends the session in which `app` issued exactly this NameID (and, when the request names any, one of
   * its SessionIndexes): the browser's own session first, else the one a SessionIndex names (a
   * cross-site POST carries no cookie). 'mismatch', and nothing ended, when there is a session but not
   * one that matches; 'none' when there is no session at all (already signed out).
   */
  async function endMatchingSession(app: SamlApp, request: LogoutRequestInfo, visitor: Visitor): Promise<{ result: 'ended' | 'none' | 'mismatch' } & SessionEffect> {
    const now = clock.now();
    const matches = (session: SessionRecord | undefined) =>
      session?.participants.some(
        (p) => p.clientId === app.clientId && p.nameId === request.nameId && (request.sessionIndexes.length === 0 || request.sessionIndexes.includes(p.sessionIndex)),
      ) ?? false;
    const fromCookie = await currentSession(store, visitor.sessionCookie, now);
    const cookieSession = fromCookie && (await store.getSession(fromCookie.session.idHash, now));
    let session = matches(cookieSession) ? cookieSession : undefined;
    let found = fromCookie !== undefined;
    for (const index of request.sessionIndexes) {
      if (session) break;
      const candidate = await store.findSessionBySessionIndex(index, now);
      found ||= candidate !== undefined;
      if (matches(candidate)) session = candidate;
    }
    if (!session) return { result: found ? 'mismatch' : 'none' };
    await store.deleteSession(session.idHash);
    const effect: SessionEffect = fromCookie && fromCookie.session.idHash === session.idHash ? { clearSession: true } : {};
    const actor = { type: 'user' as const, id: session.userId, ip: visitor.ip };
    await store.appendAudit({ event: 'logout', description: `Signed out from ${app.name} (SAML single logout)`, actor, details: { client_id: app.clientId } }, now);
    return { result: 'ended', ...effect };
  }

  /** The LogoutResponse: redirected back over HTTP-Redirect, or auto-posted. */
  function answer(app: SamlApp, message: IncomingMessage, destination: string, inResponseTo: string, status: SamlStatus | undefined): Outcome {
    const now = clock.now();
    const logoutResponse = { id: ids.samlId(), issuer: config.samlEntityId, now, destination, inResponseTo, status };
    const { signatureAlgorithm, digestAlgorithm } = app.addons.samlp;
    const key = keyring.snapshot.signing;
    metrics.signed('saml2_logout');
    if (message.binding === 'redirect') {
      return { kind: 'redirect', location: signedRedirectUrl(destination, 'SAMLResponse', buildLogoutResponse(logoutResponse), { key, relayState: message.relayState, signatureAlgorithm }) };
    }
    const signedXml = signLogoutResponse(logoutResponseElement(logoutResponse), { key, signatureAlgorithm, digestAlgorithm });
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
    const { result, ...effect } = status ? { result: 'refused' } : await endMatchingSession(app, request, visitor);
    // Not this application's subject in this session: the session stays (core 3.7.3.2).
    if (result === 'mismatch') status = UNKNOWN_PRINCIPAL_STATUS;
    return { ...answer(app, message, responseUrl, request.id, status), ...effect };
  }

  return { logout };
}
