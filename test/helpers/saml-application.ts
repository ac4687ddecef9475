// A SAML application as the request checks see it (src/saml/authn-request.ts, logout-request.ts),
// with the defaults a new application gets; tests override what they are about.
import type { Application, SamlpAddon } from '../../src/clients/types.js';
import type { RequestCheckContext } from '../../src/saml/authn-request.js';

export function samlApplication(samlp: Partial<SamlpAddon> & { audience: string; nameIdentifierFormat: string }, callbacks: string[], now: Date): Application {
  const addon: SamlpAddon = { mappings: {}, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256', lifetimeInSeconds: 3600, ...samlp };
  return { clientId: 'app1', name: 'SP', callbacks, addons: { samlp: addon }, createdAt: now, updatedAt: now };
}

/** What checkAuthnRequest/checkLogoutRequest get: an unsigned request for `app` at `endpoint`, at `now`. */
export function requestCheckContext(app: Application, endpoint: string, now: Date, overrides: Partial<RequestCheckContext> = {}): RequestCheckContext {
  return { app, endpointUrls: [endpoint], now, signed: false, ...overrides };
}
