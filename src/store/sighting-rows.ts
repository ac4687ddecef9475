// Consumer sightings and rollover acknowledgements as rows, and their statements (`?` placeholders,
// numbered for PostgreSQL), shared by store/sqlite/sightings.ts and store/postgres/sightings.ts.
import { consumerKey, type PublishedDocumentKind, type RolloverAcknowledgement, type Sighting } from '../rollover/types.js';
import type { ColumnEncoding } from './rows.js';

type TimeColumn = number | Date;

export interface SightingRow {
  document: string;
  client_id: string | null;
  user_agent: string | null;
  address: string | null;
  key_set_version: number | string;
  kids: string;
  seen_at: TimeColumn;
}

export interface AcknowledgementRow {
  client_id: string;
  kid: string;
  acknowledged_at: TimeColumn;
  actor_id: string;
}

const orUndefined = <T>(value: T | null) => (value === null ? undefined : value);
const asDate = (value: TimeColumn) => (value instanceof Date ? value : new Date(value));

export function sightingFromRow(row: SightingRow): Sighting {
  return {
    document: row.document as PublishedDocumentKind,
    clientId: orUndefined(row.client_id),
    userAgent: orUndefined(row.user_agent),
    address: orUndefined(row.address),
    keySetVersion: Number(row.key_set_version),
    kids: JSON.parse(row.kids) as string[],
    seenAt: asDate(row.seen_at),
  };
}

/** The values of UPSERT_SIGHTING, in its column order. */
export function sightingValues(s: Sighting, encoding: ColumnEncoding): unknown[] {
  return [consumerKey(s), s.document, s.clientId ?? null, s.userAgent ?? null, s.address ?? null, s.keySetVersion, JSON.stringify(s.kids), encoding.time(s.seenAt)];
}

export function acknowledgementFromRow(row: AcknowledgementRow): RolloverAcknowledgement {
  return { clientId: row.client_id, kid: row.kid, acknowledgedAt: asDate(row.acknowledged_at), actorId: row.actor_id };
}

export const acknowledgementValues = (ack: RolloverAcknowledgement, encoding: ColumnEncoding): unknown[] => [ack.clientId, ack.kid, encoding.time(ack.acknowledgedAt), ack.actorId];

/** Rows per statement: 8 parameters each stays well under PostgreSQL's 65535. */
export const SIGHTING_BATCH = 1000;

/** One statement for `count` sightings; an older sighting never overwrites a newer one. */
export const upsertSightings = (count: number) =>
  `INSERT INTO consumer_sightings (consumer_key, document, client_id, user_agent, address, key_set_version, kids, seen_at)
   VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
   ON CONFLICT (consumer_key) DO UPDATE SET key_set_version = excluded.key_set_version, kids = excluded.kids, seen_at = excluded.seen_at
   WHERE excluded.seen_at >= consumer_sightings.seen_at`;

/** The latest sighting per consumer, in batches in key order (so concurrent instances lock rows in the same order). */
export function sightingBatches(sightings: Sighting[]): Sighting[][] {
  const latest = new Map<string, Sighting>();
  for (const s of sightings) {
    const key = consumerKey(s);
    if (!latest.has(key) || latest.get(key)!.seenAt <= s.seenAt) latest.set(key, s);
  }
  const sorted = [...latest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, s]) => s);
  const batches: Sighting[][] = [];
  for (let start = 0; start < sorted.length; start += SIGHTING_BATCH) batches.push(sorted.slice(start, start + SIGHTING_BATCH));
  return batches;
}

export const SELECT_SIGHTINGS = 'SELECT * FROM consumer_sightings ORDER BY seen_at DESC';
export const PRUNE_ANONYMOUS_SIGHTINGS = 'DELETE FROM consumer_sightings WHERE client_id IS NULL AND seen_at < ?';
export const UPSERT_ACKNOWLEDGEMENT = `INSERT INTO rollover_acknowledgements (client_id, kid, acknowledged_at, actor_id) VALUES (?, ?, ?, ?)
   ON CONFLICT (client_id, kid) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, actor_id = excluded.actor_id`;
export const SELECT_ACKNOWLEDGEMENTS = 'SELECT * FROM rollover_acknowledgements';
