// Rollover readiness: who fetched which published document, holding which keys.

/** The published documents a consumer may fetch. */
export type PublishedDocumentKind = 'samlp-metadata' | 'wsfed-metadata' | 'jwks' | 'certificate';

export interface Sighting {
  document: PublishedDocumentKind;
  /** The application whose own metadata URL was fetched; undefined for IdP-wide documents. */
  clientId?: string | undefined;
  /** Anonymous consumers are told apart by user agent and client address. */
  userAgent?: string | undefined;
  address?: string | undefined;
  /** The key-set version served, and the kids the document held. */
  keySetVersion: number;
  kids: string[];
  seenAt: Date;
}

export interface RolloverAcknowledgement {
  clientId: string;
  kid: string;
  acknowledgedAt: Date;
  actorId: string;
}

/** The identity of one consumer of one document: the row key. */
export function consumerKey(sighting: Pick<Sighting, 'document' | 'clientId' | 'userAgent' | 'address'>): string {
  const who = sighting.clientId !== undefined ? `client:${sighting.clientId}` : `anon:${sighting.userAgent ?? ''}|${sighting.address ?? ''}`;
  return `${sighting.document}|${who}`;
}
