// The one error middleware: a FedmetaError is answered in the format of the surface the route belongs
// to (Management API: Auth0's JSON; /oauth/token: RFC 6749 JSON; browser flows: an HTML page);
// anything else is a 500 that never leaks its message. Unknown routes end here as 404 too.
import { STATUS_CODES } from 'node:http';
import type { Context, Next } from 'koa';
import { FedmetaError, internalError, methodNotAllowed, notFound } from '../errors.js';
import type { ErrorCode } from '../error-codes.js';
import type { PageRenderer } from './render.js';
import { requestLogger } from './access-log.js';
import { errorFields } from '../observability/logger.js';

export type ErrorSurface = 'api' | 'oauth' | 'html';

/** Route middleware: errors of the routes behind it are answered in `surface`'s format (default 'api'). */
export const errorSurface = (surface: ErrorSurface) => async (ctx: Context, next: Next) => {
  ctx.state.errorSurface = surface;
  await next();
};

function asFedmetaError(error: unknown): FedmetaError {
  if (error instanceof FedmetaError) return error;
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new FedmetaError(status, 'bad_request', (error as Error).message);
  }
  return internalError('Internal server error');
}

/** Codes of a request body the token endpoint could not read: RFC 6749 5.2 calls all of them invalid_request. */
const UNREADABLE_BODY: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['invalid_body', 'bad_request', 'payload_too_large', 'unsupported_media_type']);

/** The RFC 6749 `error` of a refusal: its own code, but invalid_request for an unreadable body and server_error for a fault. */
function oauthCode(error: FedmetaError): string {
  if (UNREADABLE_BODY.has(error.code)) return 'invalid_request';
  if (error.status >= 500 && !error.expose) return 'server_error';
  return error.code;
}

function answer(ctx: Context, error: FedmetaError, renderer: PageRenderer): void {
  const surface = (ctx.state.errorSurface as ErrorSurface | undefined) ?? 'api';
  const message = error.expose ? error.message : 'Internal server error';
  if (surface === 'html') {
    const title = STATUS_CODES[error.status] ?? 'Error';
    const shown = error.expose ? error.message : 'Something went wrong on our side.';
    renderer.render(ctx, 'error.html', { title, message: shown, code: error.code }, { status: error.status });
  } else if (surface === 'oauth') {
    ctx.body = { error: oauthCode(error), error_description: message };
  } else {
    ctx.body = { statusCode: error.status, error: STATUS_CODES[error.status] ?? 'Error', message, errorCode: error.code, ...error.details };
  }
}

function unanswered(ctx: Context): FedmetaError | undefined {
  if (ctx.body !== undefined) return undefined;
  if (ctx.status === 404) return notFound(`No route for ${ctx.method} ${ctx.path}`);
  if (ctx.status === 405) return methodNotAllowed(`${ctx.method} is not allowed on ${ctx.path}`, { Allow: String(ctx.response.get('Allow')) });
  return undefined;
}

export function handleErrors(renderer: PageRenderer) {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      await next();
      const missing = unanswered(ctx);
      if (missing) throw missing;
    } catch (caught) {
      const error = asFedmetaError(caught);
      ctx.state.errorCode = error.code;
      // The access-log line names the refusal's code; a fault also gets its cause (never shown to the client).
      if (error.status === 503) requestLogger(ctx).warn({ error_code: error.code, reason: error.message }, 'service unavailable');
      else if (error.status >= 500) requestLogger(ctx).error(errorFields(caught), 'request failed with an internal error');
      ctx.status = error.status;
      ctx.set(error.headers);
      ctx.set('Cache-Control', 'no-store');
      answer(ctx, error, renderer);
    }
  };
}
