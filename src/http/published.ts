// Unauthenticated published documents through Koa: bytes built once per key-set version, served with
// ETag / 304, HEAD and Cache-Control. Plain GET/HEAD requests for them are answered before Koa by
// the fast path (published-fast-path.ts); what it leaves (a query such as ?kid=, a refusal) ends here.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import type { PublishedDocument } from '../published/document.js';
import { publishedDocuments, type PublishedRoute } from './published-documents.js';
import { ifNoneMatchHits } from './conditional.js';

export function sendDocument(ctx: Context, doc: PublishedDocument, maxAgeSeconds: number): void {
  ctx.status = 200;
  ctx.set(doc.headers);
  ctx.set({
    ETag: doc.etag,
    'Cache-Control': `public, max-age=${maxAgeSeconds}`,
    'Access-Control-Allow-Origin': '*',
  });
  ctx.type = doc.contentType;
  if (ifNoneMatchHits(ctx.get('If-None-Match'), doc.etag)) {
    ctx.status = 304;
    return;
  }
  ctx.body = doc.body;
}

/** The Koa handler of each published route. */
export function publishedHandlers(deps: AppDeps) {
  const documents = publishedDocuments(deps);
  return (route: PublishedRoute) => (ctx: Context) => {
    const reader = { userAgent: ctx.get('User-Agent') || undefined, address: ctx.ip || undefined };
    const { doc, maxAgeSeconds } = documents[route]({ reader, kid: ctx.query.kid, clientId: ctx.params.client_id as string | undefined });
    sendDocument(ctx, doc, maxAgeSeconds);
  };
}
