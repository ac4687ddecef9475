// Consumer sightings as rows, shared by both backends' adapters (sqlite-sightings.ts, postgres-sightings.ts).
import { consumerKey, type PublishedDocumentKind, type Sighting } from '../rollover/types.js';

export interface SightingRow {
  document: string;
  client_id: string | null;
  user_agent: string | null;
  address: string | null;
  key_set_version: number;
  kids: string;
  seen_at: number | Date;
}

const orUndefined = <T>(value: T | null) => (value === null ? undefined : value);

export function sightingFromRow(row: SightingRow): Sighting {
  return {
    document: row.document as PublishedDocumentKind,
    clientId: orUndefined(row.client_id),
    userAgent: orUndefined(row.user_agent),
    address: orUndefined(row.address),
    keySetVersion: Number(row.key_set_version),
    kids: JSON.parse(row.kids) as string[],
    seenAt: new Date(row.seen_at),
  };
}

/** The columns of a sighting, in the order both adapters' INSERTs list them. */
export function sightingValues(s: Sighting): unknown[] {
  return [consumerKey(s), s.document, s.clientId ?? null, s.userAgent ?? null, s.address ?? null, s.keySetVersion, JSON.stringify(s.kids)];
}
