// Request bodies: read with a hard size cap (413 past it), parsed as JSON or form data only.
import type { Context } from 'koa';
import { invalidBody, payloadTooLarge, unsupportedMediaType } from '../errors.js';

export const DEFAULT_BODY_LIMIT = 64 * 1024;

export async function readRawBody(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || 0);
  if (declared > limit) throw payloadTooLarge(`Request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      ctx.req.destroy();
      throw payloadTooLarge(`Request body is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Refuse a declared body over `limit` before any handler runs, even on routes that read none. */
export function limitDeclaredBody(limit = DEFAULT_BODY_LIMIT) {
  return async (ctx: Context, next: () => Promise<unknown>) => {
    if (Number(ctx.get('Content-Length') || 0) > limit) throw payloadTooLarge(`Request body is larger than ${limit} bytes`);
    await next();
  };
}

export type BodyFields = Record<string, unknown>;

/** A JSON object or an application/x-www-form-urlencoded body; an empty body is `{}`. */
export async function readFields(ctx: Context, limit = DEFAULT_BODY_LIMIT): Promise<BodyFields> {
  const raw = await readRawBody(ctx, limit);
  if (raw.length === 0) return {};
  const type = ctx.request.type;
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      throw invalidBody('Request body is not valid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalidBody('Request body must be a JSON object');
    return parsed as BodyFields;
  }
  if (type === 'application/x-www-form-urlencoded') {
    const fields: BodyFields = {};
    for (const [name, value] of new URLSearchParams(raw.toString('utf8'))) {
      if (name in fields) throw invalidBody(`Parameter "${name}" is repeated`);
      fields[name] = value;
    }
    return fields;
  }
  throw unsupportedMediaType('Send application/json or application/x-www-form-urlencoded');
}

export function optionalString(fields: BodyFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidBody(`"${name}" must be a string`);
  return value;
}
