// What every handler may use: the running services, plus the HTTP-only pieces.
import type { Services } from '../services.js';
import type { BrowserCsrf } from './csrf.js';
import type { PageRenderer } from './render.js';

export type AppDeps = Services & { csrf: BrowserCsrf; renderer: PageRenderer };
