// createApp(deps): the Koa application and its middleware order. No globals: every dependency
// (config, store, keyring, clock) is passed in, so tests pin time and run several apps at once.
import Koa from 'koa';
import type { AppDeps } from './http/context.js';
import type { Services } from './server.js';
import { BrowserCsrf } from './http/csrf.js';
import { handleErrors, securityHeaders } from './http/errors.js';
import { buildRouter } from './routes.js';

export function createApp(services: Services): Koa {
  const deps: AppDeps = { ...services, csrf: new BrowserCsrf(services.kek, services.config) };
  const app = new Koa();
  app.silent = true; // errors are answered and logged by handleErrors
  const router = buildRouter(deps);
  app.use(securityHeaders);
  app.use(handleErrors);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
