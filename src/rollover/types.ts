// Rollover readiness: who fetched which published document, holding which keys. The port the
// store implements lives here, beside the code that uses it.
import type { AuditInput } from '../audit/types.js';

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

/** Store port: one row per (document, consumer), so storage stays bounded. */
export interface SightingStore {
  /** Insert or update every sighting in one transaction (the latest one of a consumer wins). */
  saveSightings(sightings: Sighting[]): Promise<void>;
  listSightings(): Promise<Sighting[]>;
  /** Delete anonymous sightings last seen before `before`; how many went. */
  pruneAnonymousSightings(before: Date): Promise<number>;
  /** Record that an administrator confirmed the application has the key; audited in the same transaction. */
  acknowledgeRollover(acknowledgement: RolloverAcknowledgement, audit: AuditInput): Promise<void>;
  listRolloverAcknowledgements(): Promise<RolloverAcknowledgement[]>;
}

/** The identity of one consumer of one document: the row key. */
export function consumerKey(sighting: Pick<Sighting, 'document' | 'clientId' | 'userAgent' | 'address'>): string {
  const who = sighting.clientId !== undefined ? `client:${sighting.clientId}` : `anon:${sighting.userAgent ?? ''}|${sighting.address ?? ''}`;
  return `${sighting.document}|${who}`;
}
