// WS-Federation metadata, IdP-wide and per application: built and signed (by the metadata signer) once per key-set version
// (and rebuilt daily, well before its validUntil), served as bytes with an ETag.
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import { federationMetadataElement, signFederationMetadata } from '../wsfed/metadata.js';
import { offeredClaims } from '../wsfed/claims.js';
import { makeDocument, type PublishedDocument } from './document.js';
import { metadataSigningKey } from './metadata-signer.js';
import { publishedCacheSeconds } from './cache-policy.js';
import { urlFor } from '../route-paths.js';

const DAY = 86_400_000;
/** Relying parties may keep metadata this long without re-reading it (SAML metadata 2.2.1). */
const VALIDITY = 7 * DAY;

/** The passive requestor endpoint: /wsfed (application found by wtrealm) or /wsfed/:client_id. */
export const wsfedEndpoint = (config: Config, clientId?: string) =>
  clientId ? urlFor(config, 'wsfed-app', { client_id: clientId }) : urlFor(config, 'wsfed');

/** Where the federation metadata is published: IdP-wide, or for one application. */
export const wsfedMetadataUrl = (config: Config, clientId?: string) =>
  clientId ? urlFor(config, 'wsfed-app-metadata', { client_id: clientId }) : urlFor(config, 'wsfed-metadata');

/** `onSigned` hears of each build (a signature made; the bytes are then served until the next build). */
export function wsfedMetadataDocument(snapshot: KeySetSnapshot, config: Config, now: Date, clientId?: string, onSigned?: () => void): PublishedDocument {
  const cacheSeconds = publishedCacheSeconds(snapshot.keys, config, now);
  return snapshot.onceFresh(`wsfed-metadata:${clientId ?? ''}:${cacheSeconds}`, DAY, now, () => {
    const id = `_${createHash('sha256').update(`wsfed:${snapshot.version}:${clientId ?? ''}:${now.getTime()}`).digest('hex').slice(0, 40)}`;
    const metadata = federationMetadataElement({
      entityId: config.samlEntityId,
      id,
      keys: snapshot.published,
      endpointUrl: wsfedEndpoint(config, clientId),
      claims: offeredClaims(),
      validUntil: new Date(now.getTime() + VALIDITY),
      cacheDurationSeconds: cacheSeconds,
    });
    onSigned?.();
    return makeDocument(signFederationMetadata(metadata, metadataSigningKey(snapshot, config)), 'application/samlmetadata+xml; charset=utf-8');
  });
}
