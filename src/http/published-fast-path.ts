// The published documents' fast path: a plain node:http listener ahead of Koa. A GET or HEAD for
// the exact path of a published document, with no query, is answered from bytes and header lines
// prepared once per document version (published-representation.ts), as soon as the key set changes:
// Accept-Encoding negotiated with q-values (brotli, gzip or identity, Vary: Accept-Encoding),
// If-None-Match → 304, and the same security headers and cache policy as through Koa. Everything else, and any refusal (unknown
// application, a key that does not open), falls through to Koa unchanged, which answers it as before.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Services } from '../services.js';
import { ROUTE_PATHS } from '../route-paths.js';
import { PUBLISHED_ROUTES, publishedDocuments, type DocumentAnswer, type DocumentRequest, type PublishedRoute } from './published-documents.js';
import { representationsOf } from './published-representation.js';
import { chooseCoding } from './accept-encoding.js';
import { ifNoneMatchHits } from './conditional.js';
import { clientAddress } from './client-address.js';
import type { DocumentReader } from './sightings.js';

/**
 * The one hook for access logs and metrics of fast-path answers: called after each one is written
 * with its route name (src/route-paths.ts), status (200 or 304), duration in milliseconds and the
 * request (for a request id or the client's address). Requests that fall through are Koa's and are
 * seen by its middleware instead.
 */
export type PublishedObserver = (route: PublishedRoute, status: number, durationMs: number, req: IncomingMessage) => void;

interface PathMatch {
  route: PublishedRoute;
  clientId?: string;
}

/** A client_id as it appears in a URL without any escaping; anything else is left to Koa's router. */
const PLAIN_SEGMENT = /^[\w-]{1,128}$/;

/** Exact paths of published routes, and the prefix/suffix around `:client_id` of per-application ones. */
function pathMatcher(): (url: string) => PathMatch | undefined {
  const exact = new Map<string, PublishedRoute>();
  const perApplication: { route: PublishedRoute; prefix: string; suffix: string }[] = [];
  for (const route of PUBLISHED_ROUTES) {
    const [prefix = '', suffix] = ROUTE_PATHS[route].split(':client_id');
    if (suffix === undefined) exact.set(prefix, route);
    else perApplication.push({ route, prefix, suffix });
  }
  return (url) => {
    const route = exact.get(url);
    if (route) return { route };
    for (const { route, prefix, suffix } of perApplication) {
      if (!url.startsWith(prefix) || !url.endsWith(suffix)) continue;
      const clientId = url.slice(prefix.length, url.length - suffix.length);
      if (PLAIN_SEGMENT.test(clientId)) return { route, clientId };
    }
    return undefined;
  };
}

function write(req: IncomingMessage, res: ServerResponse, answer: DocumentAnswer): void {
  const representations = representationsOf(answer.doc, answer.maxAgeSeconds);
  const chosen = representations.of(chooseCoding(req.headers['accept-encoding'], representations.codings));
  if (ifNoneMatchHits(req.headers['if-none-match'], chosen.etag)) {
    res.writeHead(304, chosen.notModified).end();
  } else {
    res.writeHead(200, chosen.ok).end(req.method === 'HEAD' ? undefined : chosen.body);
  }
}

/**
 * Prepares the responses of every IdP-wide document of the current snapshot, one per turn of the
 * event loop so that no request waits behind all of them; per-application metadata is prepared on
 * its first request. A document that cannot be built now (a key that does not open) is left to
 * its request, which falls through to Koa's refusal.
 */
function prepareEach(documents: Record<PublishedRoute, (request: DocumentRequest) => DocumentAnswer>): void {
  const queue = PUBLISHED_ROUTES.filter((route) => !ROUTE_PATHS[route].includes(':'));
  const step = () => {
    const route = queue.shift();
    if (!route) return;
    try {
      const { doc, maxAgeSeconds } = documents[route]({});
      representationsOf(doc, maxAgeSeconds);
    } catch {
      // answered by Koa when asked for
    }
    setImmediate(step);
  };
  setImmediate(step);
}

/**
 * `next` (Koa's callback) behind the fast path; `observe` sees every answer the fast path gives.
 * The responses are prepared at start and again whenever the key set changes.
 */
export function publishedFastPath(
  services: Pick<Services, 'config' | 'keyring' | 'catalog' | 'clock' | 'sightings'>,
  next: RequestListener,
  observe?: PublishedObserver,
): RequestListener {
  const documents = publishedDocuments(services);
  const match = pathMatcher();
  prepareEach(documents);
  services.keyring.onSnapshot(() => prepareEach(documents));
  /** Who is asking, as Koa's clientAddressMiddleware would say (FEDMETA_TRUST_PROXY honoured). */
  const readerOf = (req: IncomingMessage): DocumentReader => {
    const forwarded = req.headers['x-forwarded-for'];
    const address = clientAddress(req.socket.remoteAddress ?? '', Array.isArray(forwarded) ? forwarded.join(',') : forwarded, services.config.trustProxy);
    return { userAgent: req.headers['user-agent'] || undefined, address: address || undefined };
  };
  return (req, res) => {
    const started = performance.now();
    const found = (req.method === 'GET' || req.method === 'HEAD') && req.url ? match(req.url) : undefined;
    if (!found) return next(req, res);
    let answer: DocumentAnswer;
    try {
      answer = documents[found.route]({ reader: readerOf(req), clientId: found.clientId });
    } catch {
      return next(req, res); // Koa looks it up again and answers the refusal in its surface's format
    }
    write(req, res, answer);
    observe?.(found.route, res.statusCode, performance.now() - started, req);
  };
}
