// SAML IdP metadata, IdP-wide and per application: built and signed (by the metadata signer) once per key-set version
// (and rebuilt daily, well before its validUntil), served as bytes with an ETag.
import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import { idpMetadataElement, signIdpMetadata } from '../saml/metadata.js';
import { makeDocument, type PublishedDocument } from './document.js';
import { metadataSigningKey } from './metadata-signer.js';
import { publishedCacheSeconds } from './cache-policy.js';
import { urlFor } from '../route-paths.js';

const DAY = 86_400_000;
/** Relying parties may keep metadata this long without re-reading it (SAML metadata 2.2.1). */
const VALIDITY = 7 * DAY;

export const samlEndpoints = (config: Config, clientId?: string) =>
  clientId
    ? { sso: urlFor(config, 'saml-app-sso', { client_id: clientId }), slo: urlFor(config, 'saml-app-logout', { client_id: clientId }) }
    : { sso: urlFor(config, 'saml-sso'), slo: urlFor(config, 'saml-logout') };

/** Where the SAML IdP metadata is published: IdP-wide, or for one application. */
export const samlMetadataUrl = (config: Config, clientId?: string) =>
  clientId ? urlFor(config, 'saml-app-metadata', { client_id: clientId }) : urlFor(config, 'saml-metadata');

/** `onSigned` hears of each build (a signature made; the bytes are then served until the next build). */
export function samlMetadataDocument(snapshot: KeySetSnapshot, config: Config, now: Date, clientId?: string, onSigned?: () => void): PublishedDocument {
  const cacheSeconds = publishedCacheSeconds(snapshot.keys, config, now);
  return snapshot.onceFresh(`samlp-metadata:${clientId ?? ''}:${cacheSeconds}`, DAY, now, () => {
    const endpoints = samlEndpoints(config, clientId);
    const id = `_${createHash('sha256').update(`${snapshot.version}:${clientId ?? ''}:${now.getTime()}`).digest('hex').slice(0, 40)}`;
    const metadata = idpMetadataElement({
      entityId: config.samlEntityId,
      keys: snapshot.published,
      ssoUrl: endpoints.sso,
      sloUrl: endpoints.slo,
      validUntil: new Date(now.getTime() + VALIDITY),
      cacheDurationSeconds: cacheSeconds,
      id,
    });
    onSigned?.();
    return makeDocument(signIdpMetadata(metadata, metadataSigningKey(snapshot, config)), 'application/samlmetadata+xml; charset=utf-8');
  });
}
