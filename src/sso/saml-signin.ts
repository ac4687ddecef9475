// SAML 2.0 Web Browser SSO (SAML profiles 4.1): SP-initiated over HTTP-Redirect or HTTP-POST, and
// IdP-initiated. Everything that arrives is untrusted; the answer only ever goes to a URL registered
// for the application. The key-set snapshot is read once per sign-in: the kid that signs is the kid logged.
import { profileOf } from '../users/types.js';
import { checkAuthnRequest, noPassiveError, parseAuthnRequest, readSignedPostRequest, type AuthnRequestInfo } from '../saml/authn-request.js';
import { buildSignedErrorResponse, buildSignedSsoResponse } from '../saml/sso-response.js';
import type { SigningKey } from '../keys/keyring.js';
import { idpInitiatedAllowed } from '../clients/types.js';
import { idpInitiatedDisabled, type SamlRequestError } from '../errors.js';
import { pathFor } from '../route-paths.js';
import { resolveSamlApp, resumedApp, type SamlApp } from './applications.js';
import { isAnswerable, readMessage, readRequest, rejectReplay, samlEndpointUrls, type IncomingMessage, type SamlBindingInput } from './saml-message.js';
import { currentSession, type ActiveSession } from './sessions.js';
import { resumePendingLogin, savePendingLogin } from './pending-login.js';
import { postForm, type Outcome, type SsoDeps, type Visitor } from './outcome.js';

/** What is needed to answer a sign-in, kept while the user logs in. */
interface SignInRequest {
  acsUrl: string;
  inResponseTo?: string | undefined;
  relayState: string | undefined;
  forceAuthn: boolean;
  isPassive: boolean;
}

const base64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

export function samlSignIn(deps: SsoDeps) {
  const { config, store, keyring, catalog, clock, ids, metrics } = deps;

  /** Sign the user in to `app`: a Response posted to the ACS, and the app recorded in the session. */
  async function answerWithAssertion(app: SamlApp, active: ActiveSession, signIn: SignInRequest, ip: string): Promise<Outcome> {
    const now = clock.now();
    const key: SigningKey = keyring.snapshot.signing;
    const { acsUrl, inResponseTo } = signIn;
    const response = await buildSignedSsoResponse({ entityId: config.samlEntityId, app, acsUrl, inResponseTo, profile: profileOf(active.user), session: active.session, key, now, ids });
    const { sessionIndex, nameId, nameIdFormat } = response;
    metrics.signed('saml2_assertion');
    if (app.addons.samlp.signResponse) metrics.signed('saml2_response');
    await store.recordSignIns([
      {
        at: now,
        participant: { idHash: active.session.idHash, clientId: app.clientId, sessionIndex, nameId, nameIdFormat },
        audit: { event: 'sso_succeeded', description: `Signed in to ${app.name} (SAML)`, actor: { type: 'user', id: active.user.userId, ip }, details: { protocol: 'samlp', client_id: app.clientId, kid: key.kid } },
      },
    ]);
    return postForm(acsUrl, { SAMLResponse: base64(response.xml), RelayState: signIn.relayState });
  }

  /** A refused request the SP should hear about: a signed error Response posted to its registered ACS. */
  function answerWithStatus(app: SamlApp, error: SamlRequestError, relayState: string | undefined): Outcome {
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
    metrics.signed('saml2_response');
    metrics.signIn('saml2', false);
    return postForm(error.responseUrl!, { SAMLResponse: base64(xml), RelayState: relayState });
  }

  async function continueSignIn(app: SamlApp, signIn: SignInRequest, visitor: Visitor): Promise<Outcome> {
    const now = clock.now();
    const active = await currentSession(store, visitor.sessionCookie, now);
    if (active && !signIn.forceAuthn) return answerWithAssertion(app, active, signIn, visitor.ip);
    if (signIn.isPassive) return answerWithStatus(app, noPassiveError({ id: signIn.inResponseTo }, signIn.acsUrl), signIn.relayState);
    const payload = { clientId: app.clientId, ...signIn };
    const describe = (id: string) => ({ returnTo: pathFor('saml-resume', { state: id }), applicationName: app.name, forceLogin: signIn.forceAuthn, payload });
    return { kind: 'login', state: await savePendingLogin(store, ids, describe, now) };
  }

  /** An AuthnRequest (or none: IdP-initiated) at /samlp or /samlp/:client_id. */
  async function signIn(input: SamlBindingInput, visitor: Visitor): Promise<Outcome> {
    const message = readMessage(input, 'SAMLRequest');
    if (message.xml === undefined) {
      // IdP-initiated SSO (SAML profiles 4.1.5): unsolicited, to the application's first callback.
      const app = resolveSamlApp(catalog, input.clientId, undefined);
      if (!idpInitiatedAllowed(app.addons.samlp)) throw idpInitiatedDisabled('IdP-initiated sign-in is turned off for this application (addons.samlp.idpInitiated): start the sign-in at the application');
      return continueSignIn(app, { acsUrl: app.callbacks[0]!, relayState: message.relayState, forceAuthn: false, isPassive: false }, visitor);
    }
    const { request, app, signed } = readRequest<AuthnRequestInfo>(catalog, input.clientId, message as IncomingMessage & { xml: string }, parseAuthnRequest, readSignedPostRequest);
    let acsUrl: string;
    try {
      const now = clock.now();
      acsUrl = checkAuthnRequest(request, { app, endpointUrls: samlEndpointUrls(config, app, 'sso'), now, signed });
      await rejectReplay(store, request, signed, now);
    } catch (error) {
      if (isAnswerable(error)) return answerWithStatus(app, error, message.relayState);
      throw error;
    }
    const { id: inResponseTo, forceAuthn, isPassive } = request;
    return continueSignIn(app, { acsUrl, inResponseTo, relayState: message.relayState, forceAuthn, isPassive }, visitor);
  }

  /** After /login: answer the request that was waiting. */
  async function resume(state: string, visitor: Visitor): Promise<Outcome> {
    const resumed = await resumePendingLogin<SignInRequest & { clientId: string }>(store, state, visitor.sessionCookie, clock.now());
    if ('outcome' in resumed) return resumed.outcome;
    const app = resumedApp(catalog, resumed.payload.clientId, 'samlp');
    return answerWithAssertion(app, resumed.active, resumed.payload, visitor.ip);
  }

  return { signIn, resume };
}
