// Unauthenticated published documents: bytes built once per key-set version, served with
// ETag / 304, HEAD and Cache-Control.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { jwksDocument } from '../published/jwks.js';
import { discoveryDocument } from '../published/discovery.js';
import { certificateDocument, type CertificateFormat } from '../published/certificates.js';
import type { PublishedDocument } from '../published/document.js';
import { invalidRequest, notFound } from '../errors.js';
import { samlMetadataDocument } from '../published/saml-metadata.js';
import { metadataSignerDocument, type MetadataSignerFormat } from '../published/metadata-signer.js';
import { publishedCacheSeconds } from '../published/cache-policy.js';
import { sightingRecorder } from './sightings.js';

/**
 * RFC 9110 13.1.2: an origin server evaluates If-None-Match itself (weak comparison, `*`, lists),
 * whatever Cache-Control the request carries (fetch() sends no-cache with conditional requests).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

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

export function publishedHandlers(deps: AppDeps) {
  const { config, keyring, catalog, clock, metrics } = deps;
  const discovery = discoveryDocument(config);
  const seen = sightingRecorder(deps);
  const maxAge = () => publishedCacheSeconds(keyring.snapshot.keys, config, clock.now());
  return {
    jwks: (ctx: Context) => {
      seen(ctx, 'jwks');
      sendDocument(ctx, jwksDocument(keyring.snapshot), maxAge());
    },
    discovery: (ctx: Context) => sendDocument(ctx, discovery, config.metadataCacheSeconds),
    samlMetadata: (ctx: Context) => {
      const clientId = ctx.params.client_id as string | undefined;
      if (clientId !== undefined && !catalog.get(clientId)?.addons.samlp) {
        throw notFound(`No SAML application with client_id "${clientId}"`);
      }
      seen(ctx, 'samlp-metadata', { clientId });
      sendDocument(ctx, samlMetadataDocument(keyring.snapshot, config, clock.now(), clientId, () => metrics.signed('metadata')), maxAge());
    },
    metadataSigner: (format: MetadataSignerFormat) => (ctx: Context) => sendDocument(ctx, metadataSignerDocument(keyring.snapshot, config, format), config.metadataCacheSeconds),
    certificate: (format: CertificateFormat) => (ctx: Context) => {
      const kid = ctx.query.kid;
      if (Array.isArray(kid)) throw invalidRequest('Give "kid" once');
      const doc = certificateDocument(keyring.snapshot, config, format, kid);
      if (!doc) throw notFound(`No published signing key with kid "${kid}" (it is unknown or revoked)`);
      seen(ctx, 'certificate', { kids: [kid ?? keyring.snapshot.currentKid] });
      sendDocument(ctx, doc, config.metadataCacheSeconds);
    },
  };
}
