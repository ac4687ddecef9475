// The published documents' fast path: a plain node:http listener ahead of Koa. A GET or HEAD for
// the exact path of a published document, with no query, is answered from bytes and header lines
// prepared once per document version (published-representation.ts), as soon as the key set changes:
// Accept-Encoding negotiated with q-values (brotli, gzip or identity, Vary: Accept-Encoding),
// If-None-Match → 304, the same security headers and cache policy as through Koa, and the same
// access-log line, request metrics and X-Request-Id. Everything else, and any refusal (unknown
// application, a key that does not open), falls through to Koa unchanged, which answers it as before.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import { ROUTE_PATHS } from '../route-paths.js';
import { PUBLISHED_ROUTES, publishedDocuments, type DocumentAnswer, type DocumentRequest, type PublishedRoute } from './published-documents.js';
import { representationsOf } from './published-representation.js';
import { chooseCoding } from './accept-encoding.js';
import { ifNoneMatchHits } from './conditional.js';
import { clientAddressOf } from './client-address.js';
import { requestIdOf } from './access-log.js';

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

/** Writes the chosen representation, its request id first (where Koa's access log puts it). */
function write(req: IncomingMessage, res: ServerResponse, answer: DocumentAnswer, requestId: string): void {
  const representations = representationsOf(answer.doc, answer.maxAgeSeconds);
  const chosen = representations.of(chooseCoding(req.headers['accept-encoding'], representations.codings));
  if (ifNoneMatchHits(req.headers['if-none-match'], chosen.etag)) {
    res.writeHead(304, ['X-Request-Id', requestId, ...chosen.notModified]).end();
  } else {
    res.writeHead(200, ['X-Request-Id', requestId, ...chosen.ok]).end(req.method === 'HEAD' ? undefined : chosen.body);
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
 * `next` (Koa's callback) behind the fast path. Each answer is recorded like Koa's (access-log line
 * and request metrics through services.recordRequest, X-Request-Id taken or made, and echoed). The
 * responses are prepared at start and again whenever the key set changes.
 */
export function publishedFastPath(
  services: Pick<Services, 'config' | 'keyring' | 'catalog' | 'clock' | 'sightings' | 'metrics' | 'recordRequest'>,
  next: RequestListener,
): RequestListener {
  const documents = publishedDocuments(services);
  const match = pathMatcher();
  prepareEach(documents);
  services.keyring.onSnapshot(() => prepareEach(documents));
  return (req, res) => {
    const started = process.hrtime.bigint();
    const found = (req.method === 'GET' || req.method === 'HEAD') && req.url ? match(req.url) : undefined;
    if (!found) return next(req, res);
    const client = clientAddressOf(req, services.config.trustProxy); // as Koa sees it (FEDMETA_TRUST_PROXY)
    let answer: DocumentAnswer;
    try {
      answer = documents[found.route]({ reader: { userAgent: req.headers['user-agent'] || undefined, address: client || undefined }, clientId: found.clientId });
    } catch {
      return next(req, res); // Koa looks it up again and answers the refusal in its surface's format
    }
    const requestIdHeader = req.headers['x-request-id'];
    const requestId = requestIdOf(Array.isArray(requestIdHeader) ? undefined : requestIdHeader);
    write(req, res, answer, requestId);
    const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
    services.recordRequest({ method: req.method!, route: found.route, status: res.statusCode, durationMs, requestId, client, clientId: found.clientId });
  };
}
