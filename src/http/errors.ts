// The one error middleware: FedmetaError → the surface's error format; anything else → 500 that
// never leaks its message. Unknown routes end here as 404 too.
import { STATUS_CODES } from 'node:http';
import type { Context, Next } from 'koa';
import { FedmetaError, OAuthError } from '../errors.js';
import { renderPage } from './render.js';

/** Browser-facing routes answer errors as an HTML page instead of JSON. */
export async function htmlErrors(ctx: Context, next: Next): Promise<void> {
  ctx.state.html = true;
  await next();
}

function asFedmetaError(error: unknown): FedmetaError {
  if (error instanceof FedmetaError) return error;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new FedmetaError(status, 'bad_request', (error as Error).message);
  }
  return new FedmetaError(500, 'internal_error', 'Internal server error');
}

export async function handleErrors(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      throw new FedmetaError(404, 'not_found', `No route for ${ctx.method} ${ctx.path}`);
    }
    if (ctx.status === 405 && ctx.body === undefined) {
      throw new FedmetaError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`, { Allow: String(ctx.response.get('Allow')) });
    }
  } catch (caught) {
    const error = asFedmetaError(caught);
    if (error.status === 503) console.error(`fedmeta: ${ctx.method} ${ctx.path} answered 503: ${error.message}`);
    else if (error.status >= 500) console.error(`fedmeta: ${ctx.method} ${ctx.path} failed:`, caught);
    ctx.status = error.status;
    ctx.set(error.headers);
    ctx.set('Cache-Control', 'no-store');
    if (ctx.state.html) {
      const title = STATUS_CODES[error.status] ?? 'Error';
      renderPage(ctx, 'error.html', { title, message: error.expose ? error.message : 'Something went wrong on our side.', code: error.code }, { status: error.status });
      return;
    }
    ctx.body =
      error instanceof OAuthError
        ? { error: error.code, error_description: error.message }
        : { statusCode: error.status, error: STATUS_CODES[error.status] ?? 'Error', message: error.message, errorCode: error.code, ...error.details };
  }
}

export async function securityHeaders(ctx: Context, next: Next): Promise<void> {
  ctx.set({
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  });
  await next();
}
