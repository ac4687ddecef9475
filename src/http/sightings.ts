// Records who fetched a published document (rollover readiness): the application for its own
// metadata URL, otherwise the user agent and client address. Buffered in memory: never a store write here.
import type { Services } from '../services.js';
import type { PublishedDocumentKind } from '../rollover/types.js';

/** Who asked for a published document, as the request says (Koa's ctx or the fast path's raw request). */
export interface DocumentReader {
  userAgent: string | undefined;
  address: string | undefined;
}

export function sightingRecorder({ sightings, keyring, clock }: Pick<Services, 'sightings' | 'keyring' | 'clock'>) {
  return (reader: DocumentReader, document: PublishedDocumentKind, options: { clientId?: string | undefined; kids?: string[] } = {}): void => {
    const snapshot = keyring.snapshot;
    const anonymous = options.clientId === undefined;
    sightings.record({
      document,
      clientId: options.clientId,
      userAgent: anonymous ? reader.userAgent || undefined : undefined,
      address: anonymous ? reader.address || undefined : undefined,
      keySetVersion: snapshot.version,
      kids: options.kids ?? snapshot.published.map((key) => key.kid),
      seenAt: clock.now(),
    });
  };
}
