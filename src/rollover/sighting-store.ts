// The rollover port: consumer sightings and acknowledgements of manual certificate uploads.
import type { AuditInput } from '../audit/types.js';
import type { RolloverAcknowledgement, Sighting } from './types.js';

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
