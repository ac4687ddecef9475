// createApp(services): the Koa application and its middleware order. No globals: every dependency
// (config, store, keyring, clock, ids) is passed in, so tests pin time and run several apps at once.
import Koa from 'koa';
import type { AppDeps } from './context.js';
import type { Services } from '../services.js';
import { BrowserCsrf } from './csrf.js';
import { handleErrors } from './errors.js';
import { securityHeaders } from './security-headers.js';
import { PageRenderer } from './render.js';
import { buildRouter } from '../routes.js';
import { accessLog } from './access-log.js';
import { clientAddressMiddleware } from './client-address.js';

export function createApp(services: Services): Koa {
  const deps: AppDeps = { ...services, csrf: new BrowserCsrf(services.kek, services.config, services.ids), renderer: new PageRenderer() };
  const app = new Koa();
  app.silent = true; // errors are answered and logged by handleErrors
  const router = buildRouter(deps);
  app.use(clientAddressMiddleware(services.config.trustProxy));
  app.use(accessLog(services.logger, services.recordRequest));
  app.use(securityHeaders);
  app.use(handleErrors(deps.renderer));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
