// THE route table: one line per route, each bound by name to its path in src/route-paths.ts.
// Handlers live in src/http/, grouped by surface; errorSurface says how a route's errors are answered.
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppDeps } from './http/context.js';
import { API_PREFIX, ROUTE_PATHS, apiPath, type ApiRouteName, type RouteName } from './route-paths.js';
import { publishedHandlers } from './http/published.js';
import { PUBLISHED_ROUTES } from './http/published-documents.js';
import { tokenHandler } from './http/oauth-token.js';
import { authenticate, needs } from './http/management/authenticate.js';
import { rolloverHandlers } from './http/management/rollover.js';
import { keyHandlers } from './http/management/keys.js';
import { logApiHandlers } from './http/management/logs.js';
import { limitDeclaredBody } from './http/body.js';
import { clientHandlers } from './http/management/clients.js';
import { userHandlers } from './http/management/users.js';
import { loginHandlers } from './http/login.js';
import { assetHandler } from './http/assets.js';
import { errorSurface } from './http/errors.js';
import { samlpHandlers } from './http/samlp.js';
import { wsfedHandlers } from './http/wsfed.js';
import { readinessHandler } from './http/health.js';
import { dashboardHandlers } from './http/dashboard/index.js';
import { USER_ACTIONS } from './http/dashboard/user-actions.js';
import { apiClientHandlers } from './http/management/api-clients.js';
import { signingKeyRequired } from './http/key-guard.js';
import { rotationPolicyHandler } from './http/management/rotation-policy.js';
import { logStreamApiHandlers } from './http/management/log-streams.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Handler = Middleware;

/** Binds `handlers` to the named route for each method; `router.url(name)` then knows the route too. */
function bind(router: Router, methods: Method[], name: RouteName, path: string, handlers: Handler[]): void {
  for (const method of methods) router[method](name, path, ...(handlers as [Handler]));
}

export function buildRouter(deps: AppDeps): Router {
  const router = new Router();
  const on = (methods: Method[], name: RouteName, ...handlers: Handler[]) => bind(router, methods, name, ROUTE_PATHS[name], handlers);
  const page = (methods: Method[], name: RouteName, ...handlers: Handler[]) => on(methods, name, errorSurface('html'), ...handlers);
  /** Sign-in and sign-out answer 503 key_unavailable while the current key cannot sign. */
  const signs = signingKeyRequired(deps.keyring);
  const GET: Method[] = ['get'];
  const POST: Method[] = ['post'];
  const BOTH: Method[] = ['get', 'post'];

  const published = publishedHandlers(deps);
  on(GET, 'healthz', (ctx) => void (ctx.body = { status: 'ok' }));
  on(GET, 'readyz', readinessHandler(deps));
  // Bound before the Management API's Bearer authentication: /api/v2/openapi.json is public too.
  for (const route of PUBLISHED_ROUTES) on(GET, route, published(route));

  const samlp = samlpHandlers(deps);
  page(GET, 'saml-resume', signs, samlp.resume);
  page(BOTH, 'saml-logout', signs, samlp.logout);
  page(BOTH, 'saml-sso', signs, samlp.sso);
  page(BOTH, 'saml-app-sso', signs, samlp.sso);
  page(BOTH, 'saml-app-logout', signs, samlp.logout);

  const wsfed = wsfedHandlers(deps);
  page(GET, 'wsfed-resume', signs, wsfed.resume);
  page(GET, 'wsfed', signs, wsfed.endpoint);
  page(GET, 'wsfed-app', signs, wsfed.endpoint);
  page(POST, 'wsfed', wsfed.confirmSignOut);
  page(POST, 'wsfed-app', wsfed.confirmSignOut);

  const login = loginHandlers(deps);
  on(GET, 'asset', assetHandler());
  page(GET, 'login', login.show);
  page(POST, 'login', login.submit);
  page(BOTH, 'logout', login.logout);

  const dashboard = dashboardHandlers(deps);
  const admin = (methods: Method[], name: RouteName, handler: Handler) => page(methods, name, dashboard.guard, handler);
  admin(GET, 'dashboard', dashboard.home);
  admin(GET, 'dashboard-signing-keys', dashboard.keys.list);
  admin(GET, 'dashboard-rotate', dashboard.keys.confirmRotate(false));
  admin(POST, 'dashboard-rotate', dashboard.keys.rotate(false));
  admin(GET, 'dashboard-rotate-and-revoke', dashboard.keys.confirmRotate(true));
  admin(POST, 'dashboard-rotate-and-revoke', dashboard.keys.rotate(true));
  admin(POST, 'dashboard-rollover-acknowledge', dashboard.rollover.acknowledge);
  admin(GET, 'dashboard-revoke', dashboard.keys.confirmRevoke);
  admin(POST, 'dashboard-revoke', dashboard.keys.revoke);
  admin(GET, 'dashboard-applications', dashboard.apps.list);
  admin(GET, 'dashboard-new-saml', dashboard.apps.newSaml);
  admin(POST, 'dashboard-new-saml', dashboard.apps.createSaml);
  admin(GET, 'dashboard-new-wsfed', dashboard.apps.newWsfed);
  admin(POST, 'dashboard-new-wsfed', dashboard.apps.createWsfed);
  admin(GET, 'dashboard-users', dashboard.users.list);
  for (const action of USER_ACTIONS) {
    admin(GET, `dashboard-user-${action}`, dashboard.users.confirm(action));
    admin(POST, `dashboard-user-${action}`, dashboard.users.change(action));
  }
  admin(GET, 'dashboard-logs', dashboard.logs.list);
  admin(GET, 'dashboard-log-streams', dashboard.logStreams.list);
  admin(POST, 'dashboard-log-stream-resume', dashboard.logStreams.resume);
  admin(GET, 'dashboard-api-clients', dashboard.apiClients.list);
  admin(GET, 'dashboard-api-client-remove', dashboard.apiClients.confirmRemove);
  admin(POST, 'dashboard-api-client-remove', dashboard.apiClients.remove);
  admin(GET, 'dashboard-api-client-rotate-secret', dashboard.apiClients.confirmRotate);
  admin(POST, 'dashboard-api-client-rotate-secret', dashboard.apiClients.rotate);

  on(POST, 'oauth-token', errorSurface('oauth'), signingKeyRequired(deps.keyring), tokenHandler(deps));

  const managementApi = buildManagementApi(deps);
  router.use(managementApi.routes(), managementApi.allowedMethods());
  return router;
}

/** /api/v2: Bearer-authenticated, every route guarded by the scopes it needs. */
function buildManagementApi(deps: AppDeps): Router {
  const api = new Router({ prefix: API_PREFIX });
  const on = (method: Method, name: ApiRouteName, ...handlers: Handler[]) => bind(api, [method], name, apiPath(name), handlers);
  const keys = keyHandlers(deps);
  const clients = clientHandlers(deps);
  const users = userHandlers(deps);
  const logs = logApiHandlers(deps);
  const apiClients = apiClientHandlers(deps);
  const logStreams = logStreamApiHandlers(deps);
  api.use(limitDeclaredBody());
  api.use(authenticate(deps));
  on('get', 'api-signing-keys', needs('read:signing_keys'), keys.list);
  on('post', 'api-signing-keys-rotate', needs('create:signing_keys', 'update:signing_keys'), keys.rotate);
  const rollover = rolloverHandlers(deps);
  on('get', 'api-signing-keys-rollover', needs('read:signing_keys'), rollover.report);
  on('post', 'api-signing-keys-rollover-acknowledge', needs('update:signing_keys'), rollover.acknowledge);
  on('get', 'api-signing-keys-policy', needs('read:signing_keys'), rotationPolicyHandler(deps));
  on('get', 'api-signing-key', needs('read:signing_keys'), keys.get);
  on('put', 'api-signing-key-revoke', needs('update:signing_keys'), keys.revoke);
  on('post', 'api-signing-key-renew', needs('update:signing_keys'), keys.renew);
  on('get', 'api-clients', needs('read:clients'), clients.list);
  on('post', 'api-clients', needs('create:clients'), clients.create);
  on('get', 'api-client', needs('read:clients'), clients.get);
  on('patch', 'api-client', needs('update:clients'), clients.update);
  on('delete', 'api-client', needs('delete:clients'), clients.remove);
  on('get', 'api-users', needs('read:users'), users.list);
  on('post', 'api-users', needs('create:users'), users.create);
  on('get', 'api-user', needs('read:users'), users.get);
  on('patch', 'api-user', needs('update:users'), users.update);
  on('delete', 'api-user', needs('delete:users'), users.remove);
  on('get', 'api-logs', needs('read:logs'), logs.list);
  on('get', 'api-log', needs('read:logs'), logs.get);
  on('get', 'api-log-streams', needs('read:log_streams'), logStreams.list);
  on('post', 'api-log-streams', needs('create:log_streams'), logStreams.create);
  on('get', 'api-log-stream', needs('read:log_streams'), logStreams.get);
  on('patch', 'api-log-stream', needs('update:log_streams'), logStreams.update);
  on('delete', 'api-log-stream', needs('delete:log_streams'), logStreams.remove);
  on('get', 'api-api-clients', needs('read:api_clients'), apiClients.list);
  on('delete', 'api-api-client', needs('delete:api_clients'), apiClients.remove);
  on('post', 'api-api-client-rotate-secret', needs('update:api_clients'), apiClients.rotateSecret);
  return api;
}
