// Which published document a route answers with, and how long it may be cached: the one lookup
// behind both the Koa handlers (src/http/published.ts) and the fast path ahead of routing
// (src/http/published-fast-path.ts). Reads the key-set snapshot once; records the sighting
// (rollover readiness) once the document is known. Refusals throw coded errors (404, 503).
import type { Services } from '../services.js';
import type { PublishedDocument } from '../published/document.js';
import { jwksDocument } from '../published/jwks.js';
import { authorizationServerDocument, discoveryDocument } from '../published/discovery.js';
import { openApiDocument } from '../published/openapi.js';
import { certificateDocument, type CertificateFormat } from '../published/certificates.js';
import { samlMetadataDocument } from '../published/saml-metadata.js';
import { wsfedMetadataDocument } from '../published/wsfed-metadata.js';
import { metadataSignerDocument, type MetadataSignerFormat } from '../published/metadata-signer.js';
import { publishedCacheSeconds } from '../published/cache-policy.js';
import { namedApp } from '../sso/applications.js';
import { invalidRequest, notFound } from '../errors.js';
import { sightingRecorder, type DocumentReader } from './sightings.js';

const CERTIFICATE_ROUTES = {
  'certificate-cer': 'cer',
  'certificate-pem': 'pem',
  'certificate-rawpem': 'rawpem',
  'certificate-pkcs7': 'pkcs7',
  'certificate-fingerprint': 'fingerprint',
} as const satisfies Record<string, CertificateFormat>;

const METADATA_SIGNER_ROUTES = { 'metadata-signer-pem': 'pem', 'metadata-signer-cer': 'cer' } as const satisfies Record<string, MetadataSignerFormat>;

/** Every route that serves a published document (names of src/route-paths.ts). */
export const PUBLISHED_ROUTES = [
  'jwks',
  'openid-configuration',
  'oauth-authorization-server',
  'api-openapi',
  ...(Object.keys(CERTIFICATE_ROUTES) as (keyof typeof CERTIFICATE_ROUTES)[]),
  ...(Object.keys(METADATA_SIGNER_ROUTES) as (keyof typeof METADATA_SIGNER_ROUTES)[]),
  'saml-metadata',
  'saml-app-metadata',
  'wsfed-metadata',
  'wsfed-app-metadata',
] as const;
export type PublishedRoute = (typeof PUBLISHED_ROUTES)[number];

export interface DocumentRequest {
  /** Who asks; none when the bytes are only being prepared (no sighting then). */
  reader?: DocumentReader;
  /** The application of a per-application metadata URL. */
  clientId?: string | undefined;
  /** ?kid= of a certificate download (given twice: 400). */
  kid?: string | string[] | undefined;
}

/** What a sighting says besides its reader. */
type SightingOf = Parameters<ReturnType<typeof sightingRecorder>> extends [DocumentReader, ...infer Rest] ? Rest : never;

export interface DocumentAnswer {
  doc: PublishedDocument;
  maxAgeSeconds: number;
}

export type DocumentLookup = (request: DocumentRequest) => DocumentAnswer;

export function publishedDocuments(services: Pick<Services, 'config' | 'keyring' | 'catalog' | 'clock' | 'sightings' | 'metrics'>): Record<PublishedRoute, DocumentLookup> {
  const { config, keyring, catalog, clock, metrics } = services;
  /** Counts each metadata signature (once per document version, not per request). */
  const signed = () => metrics.signed('metadata');
  const record = sightingRecorder(services);
  const seen = (reader: DocumentReader | undefined, ...sighting: SightingOf) => {
    if (reader) record(reader, ...sighting);
  };
  const discovery = discoveryDocument(config);
  const authorizationServer = authorizationServerDocument(config);
  const openApi = openApiDocument(config);
  const fixed = (doc: PublishedDocument): DocumentAnswer => ({ doc, maxAgeSeconds: config.metadataCacheSeconds });

  const jwks: DocumentLookup = ({ reader }) => {
    const snapshot = keyring.snapshot;
    const answer = { doc: jwksDocument(snapshot), maxAgeSeconds: publishedCacheSeconds(snapshot.keys, config, clock.now()) };
    seen(reader, 'jwks');
    return answer;
  };
  const samlMetadata: DocumentLookup = ({ reader, clientId }) => {
    if (clientId !== undefined && !catalog.get(clientId)?.addons.samlp) throw notFound(`No SAML application with client_id "${clientId}"`);
    const snapshot = keyring.snapshot;
    const now = clock.now();
    const answer = { doc: samlMetadataDocument(snapshot, config, now, clientId, signed), maxAgeSeconds: publishedCacheSeconds(snapshot.keys, config, now) };
    seen(reader, 'samlp-metadata', { clientId });
    return answer;
  };
  const wsfedMetadata: DocumentLookup = ({ reader, clientId }) => {
    if (clientId !== undefined) namedApp(catalog, clientId, 'wsfed');
    const snapshot = keyring.snapshot;
    const now = clock.now();
    const answer = { doc: wsfedMetadataDocument(snapshot, config, now, clientId, signed), maxAgeSeconds: publishedCacheSeconds(snapshot.keys, config, now) };
    seen(reader, 'wsfed-metadata', { clientId });
    return answer;
  };
  const certificate =
    (format: CertificateFormat): DocumentLookup =>
    ({ reader, kid }) => {
      if (Array.isArray(kid)) throw invalidRequest('Give "kid" once');
      const snapshot = keyring.snapshot;
      const doc = certificateDocument(snapshot, config, format, kid);
      if (!doc) throw notFound(`No published signing key with kid "${kid}" (it is unknown or revoked)`);
      seen(reader, 'certificate', { kids: [kid ?? snapshot.currentKid] });
      return fixed(doc);
    };
  const metadataSigner = (format: MetadataSignerFormat): DocumentLookup => () => fixed(metadataSignerDocument(keyring.snapshot, config, format));

  return {
    jwks,
    'openid-configuration': () => fixed(discovery),
    'oauth-authorization-server': () => fixed(authorizationServer),
    'api-openapi': () => fixed(openApi),
    'certificate-cer': certificate(CERTIFICATE_ROUTES['certificate-cer']),
    'certificate-pem': certificate(CERTIFICATE_ROUTES['certificate-pem']),
    'certificate-rawpem': certificate(CERTIFICATE_ROUTES['certificate-rawpem']),
    'certificate-pkcs7': certificate(CERTIFICATE_ROUTES['certificate-pkcs7']),
    'certificate-fingerprint': certificate(CERTIFICATE_ROUTES['certificate-fingerprint']),
    'metadata-signer-pem': metadataSigner(METADATA_SIGNER_ROUTES['metadata-signer-pem']),
    'metadata-signer-cer': metadataSigner(METADATA_SIGNER_ROUTES['metadata-signer-cer']),
    'saml-metadata': samlMetadata,
    'saml-app-metadata': samlMetadata,
    'wsfed-metadata': wsfedMetadata,
    'wsfed-app-metadata': wsfedMetadata,
  };
}
