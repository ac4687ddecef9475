import type { KeySetSnapshot } from '../keys/keyring.js';
import { makeDocument, type PublishedDocument } from './document.js';

/** RFC 7517 key set: current, next, then unrevoked previous keys; public members only. */
export function jwksDocument(snapshot: KeySetSnapshot): PublishedDocument {
  return snapshot.once('jwks', () =>
    makeDocument(JSON.stringify({ keys: snapshot.published.map((key) => key.jwk) }), 'application/json; charset=utf-8'),
  );
}
