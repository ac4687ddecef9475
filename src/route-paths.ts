// The names and paths of every route, in one pure module: src/routes.ts binds handlers to them, and
// urlFor() builds every URL fedmeta publishes or shows (metadata, discovery, dashboard, CLI) from them.
import type { Config } from './config.js';

export const API_PREFIX = '/api/v2';

const WSFED_METADATA = 'FederationMetadata/2007-06/FederationMetadata.xml';

export const ROUTE_PATHS = {
  healthz: '/healthz',
  readyz: '/readyz',
  jwks: '/.well-known/jwks.json',
  'openid-configuration': '/.well-known/openid-configuration',
  'oauth-authorization-server': '/.well-known/oauth-authorization-server',
  'certificate-cer': '/cer',
  'certificate-pem': '/pem',
  'certificate-rawpem': '/rawpem',
  // Auth0's public URL for the PKCS#7 download; internally the format is "pkcs7".
  'certificate-pkcs7': '/pb7',
  'certificate-fingerprint': '/fingerprint',
  'metadata-signer-pem': '/metadata-signer.pem',
  'metadata-signer-cer': '/metadata-signer.cer',

  'saml-metadata': '/samlp/metadata',
  'saml-app-metadata': '/samlp/metadata/:client_id',
  'saml-resume': '/samlp/resume/:state',
  'saml-logout': '/samlp/logout',
  'saml-sso': '/samlp',
  'saml-app-sso': '/samlp/:client_id',
  'saml-app-logout': '/samlp/:client_id/logout',

  'wsfed-metadata': `/wsfed/${WSFED_METADATA}`,
  'wsfed-app-metadata': `/wsfed/:client_id/${WSFED_METADATA}`,
  'wsfed-resume': '/wsfed/resume/:state',
  wsfed: '/wsfed',
  'wsfed-app': '/wsfed/:client_id',

  asset: '/assets/:name',
  login: '/login',
  logout: '/logout',

  dashboard: '/dashboard',
  'dashboard-signing-keys': '/dashboard/signing-keys',
  'dashboard-rotate': '/dashboard/signing-keys/rotate',
  'dashboard-rotate-and-revoke': '/dashboard/signing-keys/rotate-and-revoke',
  'dashboard-revoke': '/dashboard/signing-keys/:kid/revoke',
  'dashboard-rollover-acknowledge': '/dashboard/signing-keys/rollover/acknowledge',
  'dashboard-applications': '/dashboard/applications',
  'dashboard-new-saml': '/dashboard/applications/new-saml',
  'dashboard-new-wsfed': '/dashboard/applications/new-wsfed',
  'dashboard-users': '/dashboard/users',
  'dashboard-user-grant-admin': '/dashboard/users/:id/grant-admin',
  'dashboard-user-revoke-admin': '/dashboard/users/:id/revoke-admin',
  'dashboard-user-block': '/dashboard/users/:id/block',
  'dashboard-user-unblock': '/dashboard/users/:id/unblock',
  'dashboard-user-remove': '/dashboard/users/:id/remove',
  'dashboard-logs': '/dashboard/logs',
  'dashboard-log-streams': '/dashboard/log-streams',
  'dashboard-log-stream-resume': '/dashboard/log-streams/:id/resume',
  'dashboard-api-clients': '/dashboard/api-clients',
  'dashboard-api-client-remove': '/dashboard/api-clients/:id/remove',
  'dashboard-api-client-rotate-secret': '/dashboard/api-clients/:id/rotate-secret',

  'oauth-token': '/oauth/token',

  'api-openapi': `${API_PREFIX}/openapi.json`,
  'api-signing-keys': `${API_PREFIX}/keys/signing`,
  'api-signing-keys-rotate': `${API_PREFIX}/keys/signing/rotate`,
  'api-signing-keys-rollover': `${API_PREFIX}/keys/signing/rollover`,
  'api-signing-keys-policy': `${API_PREFIX}/keys/signing/policy`,
  'api-signing-keys-rollover-acknowledge': `${API_PREFIX}/keys/signing/rollover/acknowledge`,
  'api-signing-key': `${API_PREFIX}/keys/signing/:kid`,
  'api-signing-key-revoke': `${API_PREFIX}/keys/signing/:kid/revoke`,
  'api-signing-key-renew': `${API_PREFIX}/keys/signing/:kid/renew`,
  'api-clients': `${API_PREFIX}/clients`,
  'api-client': `${API_PREFIX}/clients/:id`,
  'api-users': `${API_PREFIX}/users`,
  'api-user': `${API_PREFIX}/users/:id`,
  'api-logs': `${API_PREFIX}/logs`,
  'api-log': `${API_PREFIX}/logs/:id`,
  'api-log-streams': `${API_PREFIX}/log-streams`,
  'api-log-stream': `${API_PREFIX}/log-streams/:id`,
  'api-api-clients': `${API_PREFIX}/api-clients`,
  'api-api-client': `${API_PREFIX}/api-clients/:id`,
  'api-api-client-rotate-secret': `${API_PREFIX}/api-clients/:id/rotate-secret`,
} as const;

export type RouteName = keyof typeof ROUTE_PATHS;
export type ApiRouteName = Extract<RouteName, `api-${string}`>;

/** The `:name` parameters of a path, as a union of names. */
type ParamsOf<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | ParamsOf<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type RouteParams<N extends RouteName> = ParamsOf<(typeof ROUTE_PATHS)[N]>;
type Query = Record<string, string | number>;
/** A route without parameters takes none; one with parameters needs every one of them. */
export type RouteArgs<N extends RouteName> = [RouteParams<N>] extends [never]
  ? [params?: Record<string, never>, query?: Query]
  : [params: Record<RouteParams<N>, string>, query?: Query];

/** The local path of a route with its parameters filled in (each one URL-encoded) and an optional query. */
export function pathFor<N extends RouteName>(name: N, ...[params, query]: RouteArgs<N>): string {
  const values = (params ?? {}) as Record<string, string>;
  const path = ROUTE_PATHS[name].replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(values[key] ?? ''));
  const search = query ? new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)])).toString() : '';
  return search ? `${path}?${search}` : path;
}

/** The absolute URL of a route under the configured issuer (never under a request's Host header). */
export function urlFor<N extends RouteName>(config: Pick<Config, 'issuer'>, name: N, ...args: RouteArgs<N>): string {
  return `${config.issuer}${pathFor(name, ...args)}`;
}

/** An API route's path below API_PREFIX, for the Management API's own router. */
export const apiPath = (name: ApiRouteName): string => ROUTE_PATHS[name].slice(API_PREFIX.length);
