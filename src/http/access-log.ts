// The outermost middleware: gives each request its id (X-Request-Id from the client when well-formed,
// else a new one; echoed on the response), a child logger bound to it (ctx.state.log), and records the
// finished request (access-log line, metrics) with the route's name from the route table.
import { randomUUID } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { RecordRequest } from '../observability/request-recorder.js';

/** At most 128 letters, digits and . _ : - (a UUID, a ULID, a trace id); anything else is replaced. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(header: string | undefined): string {
  return header && WELL_FORMED_REQUEST_ID.test(header) ? header : randomUUID();
}

/** Handlers name the application or API client a request is for here, for the access log. */
export function noteClientId(ctx: Context, clientId: string): void {
  ctx.state.clientId = clientId.slice(0, 128);
}

function clientIdOf(ctx: Context): string | undefined {
  if (typeof ctx.state.clientId === 'string') return ctx.state.clientId;
  const fromPath = (ctx.params as Record<string, string> | undefined)?.client_id;
  return fromPath ? fromPath.slice(0, 128) : undefined;
}

export function accessLog(logger: Logger, record: RecordRequest) {
  return async (ctx: Context, next: Next): Promise<void> => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(ctx.get('X-Request-Id') || undefined);
    ctx.set('X-Request-Id', requestId);
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ request_id: requestId });
    try {
      await next();
    } finally {
      record({
        method: ctx.method,
        route: (ctx as Context & { _matchedRouteName?: string })._matchedRouteName ?? 'unmatched',
        status: ctx.status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        requestId,
        client: ctx.ip,
        clientId: clientIdOf(ctx),
        errorCode: typeof ctx.state.errorCode === 'string' ? ctx.state.errorCode : undefined,
      });
    }
  };
}

/** The request's logger (set by accessLog). */
export const requestLogger = (ctx: Context): Logger => ctx.state.log as Logger;
