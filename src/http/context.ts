// What every handler may use: the running services, plus the HTTP-only pieces.
import type { Services } from '../server.js';
import type { BrowserCsrf } from './csrf.js';

export type AppDeps = Services & { csrf: BrowserCsrf };
