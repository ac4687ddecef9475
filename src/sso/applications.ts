// Which application a sign-in or sign-out is for, resolved once: by the client_id the URL names, or
// else by what the message says (a SAML Issuer, a WS-Fed wtrealm).
import type { ApplicationCatalog } from '../clients/catalog.js';
import type { Application, SamlpAddon } from '../clients/types.js';
import type { WsfedApp } from '../wsfed/signin.js';
import { checkRealm, type WsfedRequest } from '../wsfed/request.js';
import { SamlRequestError, notFound, wsfedError } from '../errors.js';

export type SamlApp = Application & { addons: { samlp: SamlpAddon } };
export type { WsfedApp };
type Protocol = 'samlp' | 'wsfed';
type AppOf<P extends Protocol> = P extends 'samlp' ? SamlApp : WsfedApp;

const PROTOCOL_NAMES: Record<Protocol, string> = { samlp: 'SAML', wsfed: 'WS-Federation' };

/** The application if it speaks `protocol`. */
export function withProtocol<P extends Protocol>(app: Application | undefined, protocol: P): AppOf<P> | undefined {
  return app?.addons[protocol] ? (app as AppOf<P>) : undefined;
}

/** The application a `/…/:client_id` URL names; 404 when there is none for this protocol. */
export function namedApp<P extends Protocol>(catalog: ApplicationCatalog, clientId: string, protocol: P): AppOf<P> {
  const app = withProtocol(catalog.get(clientId), protocol);
  if (!app) throw notFound(`No ${PROTOCOL_NAMES[protocol]} application with client_id "${clientId}"`);
  return app;
}

/** The application a pending sign-in was for, looked up again when it resumes. */
export function resumedApp<P extends Protocol>(catalog: ApplicationCatalog, clientId: string, protocol: P): AppOf<P> {
  const app = withProtocol(catalog.get(clientId), protocol);
  if (!app) throw notFound('The application was deleted during sign-in');
  return app;
}

/** /samlp/:client_id names the application; /samlp finds it by the message's Issuer. */
export function resolveSamlApp(catalog: ApplicationCatalog, clientId: string | undefined, issuer: string | undefined): SamlApp {
  if (clientId !== undefined) return namedApp(catalog, clientId, 'samlp');
  const app = issuer === undefined ? undefined : withProtocol(catalog.bySamlAudience(issuer), 'samlp');
  if (!app) throw new SamlRequestError('saml_request_unknown_issuer', `No application is registered for the Issuer "${issuer ?? ''}"`);
  return app;
}

/** The application the URL names, or (at /wsfed) the one registered for wtrealm; undefined only when neither is given and it is optional. */
export function resolveWsfedApp(catalog: ApplicationCatalog, clientId: string | undefined, request: WsfedRequest, required: boolean): WsfedApp | undefined {
  if (clientId !== undefined) {
    const app = namedApp(catalog, clientId, 'wsfed');
    checkRealm(app.addons.wsfed.realm, request.wtrealm, false);
    return app;
  }
  if (request.wtrealm === undefined && !required) return undefined;
  const app = request.wtrealm === undefined ? undefined : withProtocol(catalog.byWsfedRealm(request.wtrealm), 'wsfed');
  if (!app) throw wsfedError('wsfed_unknown_realm', 'The "wtrealm" is not a registered realm');
  return app;
}
