// What every handler may use: the running services, plus the HTTP-only pieces.
import type { Services } from '../server.js';
import type { Csrf } from '../auth/csrf.js';

export type AppDeps = Services & { csrf: Csrf };
