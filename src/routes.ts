// THE route table: one line per route. Handlers live in src/http/, grouped by surface.
import Router from '@koa/router';
import type { AppDeps } from './http/context.js';
import { publishedHandlers } from './http/published.js';
import { tokenHandler } from './http/oauth-token.js';
import { authenticate, needs } from './http/management/authenticate.js';
import { keyHandlers } from './http/management/keys.js';
import { logHandlers } from './http/management/logs.js';
import { limitDeclaredBody } from './http/body.js';
import { clientHandlers, userHandlers } from './http/management/clients.js';
import { loginHandlers } from './http/login.js';
import { assetHandler } from './http/assets.js';
import { htmlErrors } from './http/errors.js';
import { samlpHandlers } from './http/samlp.js';
import { wsfedHandlers } from './http/wsfed.js';
import { readinessHandler } from './http/health.js';
import { dashboardHandlers } from './http/dashboard/index.js';
import { apiClientHandlers } from './http/management/api-clients.js';
import { signingKeyRequired } from './http/key-guard.js';
import { rolloverHandlers } from './http/management/rollover.js';

export function buildRouter(deps: AppDeps): Router {
  const published = publishedHandlers(deps);
  const keys = keyHandlers(deps);
  const logs = logHandlers(deps);
  const clients = clientHandlers(deps);
  const users = userHandlers(deps);
  const login = loginHandlers(deps);
  const samlp = samlpHandlers(deps);
  const router = new Router();
  const signs = signingKeyRequired(deps.keyring);

  router.get('/healthz', (ctx) => void (ctx.body = { status: 'ok' }));
  router.get('/readyz', readinessHandler(deps));
  router.get('/.well-known/jwks.json', published.jwks);
  router.get('/.well-known/openid-configuration', published.discovery);
  router.get('/cer', published.certificate('cer'));
  router.get('/pem', published.certificate('pem'));
  router.get('/rawpem', published.certificate('rawpem'));
  router.get('/pb7', published.certificate('pb7'));
  router.get('/fingerprint', published.certificate('fingerprint'));

  router.get('/samlp/metadata', published.samlMetadata);
  router.get('/samlp/metadata/:client_id', published.samlMetadata);
  router.get('/samlp/resume/:state', htmlErrors, signs, samlp.resume);
  router.get('/samlp/logout', htmlErrors, signs, samlp.logout);
  router.post('/samlp/logout', htmlErrors, signs, samlp.logout);
  router.get('/samlp', htmlErrors, signs, samlp.sso);
  router.post('/samlp', htmlErrors, signs, samlp.sso);
  router.get('/samlp/:client_id', htmlErrors, signs, samlp.sso);
  router.post('/samlp/:client_id', htmlErrors, signs, samlp.sso);
  router.get('/samlp/:client_id/logout', htmlErrors, signs, samlp.logout);
  router.post('/samlp/:client_id/logout', htmlErrors, signs, samlp.logout);

  const wsfed = wsfedHandlers(deps);
  router.get('/wsfed/FederationMetadata/2007-06/FederationMetadata.xml', wsfed.metadata);
  router.get('/wsfed/:client_id/FederationMetadata/2007-06/FederationMetadata.xml', wsfed.metadata);
  router.get('/wsfed/resume/:state', htmlErrors, signs, wsfed.resume);
  router.get('/wsfed', htmlErrors, signs, wsfed.endpoint);
  router.get('/wsfed/:client_id', htmlErrors, signs, wsfed.endpoint);
  router.post('/wsfed', htmlErrors, wsfed.confirmSignOut);
  router.post('/wsfed/:client_id', htmlErrors, wsfed.confirmSignOut);

  router.get('/assets/:name', assetHandler());
  router.get('/login', htmlErrors, login.show);
  router.post('/login', htmlErrors, login.submit);
  router.get('/logout', htmlErrors, login.logout);
  router.post('/logout', htmlErrors, login.logout);

  const dashboard = dashboardHandlers(deps);
  router.get('/dashboard', htmlErrors, dashboard.guard, dashboard.home);
  router.get('/dashboard/signing-keys', htmlErrors, dashboard.guard, dashboard.keys.list);
  router.get('/dashboard/signing-keys/rotate', htmlErrors, dashboard.guard, dashboard.keys.confirmRotate(false));
  router.post('/dashboard/signing-keys/rotate', htmlErrors, dashboard.guard, dashboard.keys.rotate(false));
  router.get('/dashboard/signing-keys/rotate-and-revoke', htmlErrors, dashboard.guard, dashboard.keys.confirmRotate(true));
  router.post('/dashboard/signing-keys/rotate-and-revoke', htmlErrors, dashboard.guard, dashboard.keys.rotate(true));
  router.post('/dashboard/signing-keys/rollover/acknowledge', htmlErrors, dashboard.guard, dashboard.rollover.acknowledge);
  router.get('/dashboard/signing-keys/:kid/revoke', htmlErrors, dashboard.guard, dashboard.keys.confirmRevoke);
  router.post('/dashboard/signing-keys/:kid/revoke', htmlErrors, dashboard.guard, dashboard.keys.revoke);
  router.get('/dashboard/applications', htmlErrors, dashboard.guard, dashboard.apps.list);
  router.get('/dashboard/applications/new-saml', htmlErrors, dashboard.guard, dashboard.apps.newSaml);
  router.post('/dashboard/applications/new-saml', htmlErrors, dashboard.guard, dashboard.apps.createSaml);
  router.get('/dashboard/applications/new-wsfed', htmlErrors, dashboard.guard, dashboard.apps.newWsfed);
  router.post('/dashboard/applications/new-wsfed', htmlErrors, dashboard.guard, dashboard.apps.createWsfed);
  router.get('/dashboard/users', htmlErrors, dashboard.guard, dashboard.users.list);
  router.get('/dashboard/users/:id/grant-admin', htmlErrors, dashboard.guard, dashboard.users.confirm(true));
  router.post('/dashboard/users/:id/grant-admin', htmlErrors, dashboard.guard, dashboard.users.change(true));
  router.get('/dashboard/users/:id/revoke-admin', htmlErrors, dashboard.guard, dashboard.users.confirm(false));
  router.post('/dashboard/users/:id/revoke-admin', htmlErrors, dashboard.guard, dashboard.users.change(false));
  router.get('/dashboard/logs', htmlErrors, dashboard.guard, dashboard.logs.list);
  router.get('/dashboard/api-clients', htmlErrors, dashboard.guard, dashboard.apiClients.list);
  router.get('/dashboard/api-clients/:id/remove', htmlErrors, dashboard.guard, dashboard.apiClients.confirmRemove);
  router.post('/dashboard/api-clients/:id/remove', htmlErrors, dashboard.guard, dashboard.apiClients.remove);
  router.get('/dashboard/api-clients/:id/rotate-secret', htmlErrors, dashboard.guard, dashboard.apiClients.confirmRotate);
  router.post('/dashboard/api-clients/:id/rotate-secret', htmlErrors, dashboard.guard, dashboard.apiClients.rotate);

  router.post('/oauth/token', signingKeyRequired(deps.keyring, 'oauth'), tokenHandler(deps));

  const api = new Router({ prefix: '/api/v2' });
  api.use(limitDeclaredBody());
  api.use(authenticate(deps));
  api.get('/keys/signing', needs('read:signing_keys'), keys.list);
  api.post('/keys/signing/rotate', needs('create:signing_keys', 'update:signing_keys'), keys.rotate);
  const rollover = rolloverHandlers(deps);
  api.get('/keys/signing/rollover', needs('read:signing_keys'), rollover.report);
  api.post('/keys/signing/rollover/acknowledge', needs('update:signing_keys'), rollover.acknowledge);
  api.get('/keys/signing/:kid', needs('read:signing_keys'), keys.get);
  api.put('/keys/signing/:kid/revoke', needs('update:signing_keys'), keys.revoke);
  api.get('/clients', needs('read:clients'), clients.list);
  api.post('/clients', needs('create:clients'), clients.create);
  api.get('/clients/:id', needs('read:clients'), clients.get);
  api.patch('/clients/:id', needs('update:clients'), clients.update);
  api.delete('/clients/:id', needs('delete:clients'), clients.remove);
  api.get('/users', needs('read:users'), users.list);
  api.post('/users', needs('create:users'), users.create);
  api.get('/users/:id', needs('read:users'), users.get);
  api.delete('/users/:id', needs('delete:users'), users.remove);
  api.get('/logs', needs('read:logs'), logs.list);
  const apiClients = apiClientHandlers(deps);
  api.get('/api-clients', needs('read:api_clients'), apiClients.list);
  api.delete('/api-clients/:id', needs('delete:api_clients'), apiClients.remove);
  api.post('/api-clients/:id/rotate-secret', needs('update:api_clients'), apiClients.rotateSecret);
  router.use(api.routes(), api.allowedMethods());

  return router;
}
