// PostgreSQL consumer sightings and rollover acknowledgements (the port in rollover/sighting-store.ts).
import type { SightingStore } from '../../rollover/sighting-store.js';
import {
  acknowledgementFromRow,
  acknowledgementValues,
  PRUNE_ANONYMOUS_SIGHTINGS,
  SELECT_ACKNOWLEDGEMENTS,
  SELECT_SIGHTINGS,
  sightingBatches,
  sightingFromRow,
  sightingValues,
  UPSERT_ACKNOWLEDGEMENT,
  upsertSightings,
  type AcknowledgementRow,
  type SightingRow,
} from '../sighting-rows.js';
import { postgresEncoding, type PostgresDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function postgresSightings(database: PostgresDatabase): SightingStore {
  return {
    async saveSightings(sightings) {
      await database.transaction(async (sql) => {
        for (const batch of sightingBatches(sightings)) await sql(upsertSightings(batch.length), batch.flatMap((s) => sightingValues(s, postgresEncoding)));
      });
    },
    listSightings: async () => (await database.query<SightingRow>(SELECT_SIGHTINGS)).rows.map(sightingFromRow),
    pruneAnonymousSightings: async (before) => (await database.query(PRUNE_ANONYMOUS_SIGHTINGS, [before])).rowCount ?? 0,
    async acknowledgeRollover(ack, audit) {
      await database.transaction(async (sql) => {
        await sql(UPSERT_ACKNOWLEDGEMENT, acknowledgementValues(ack, postgresEncoding));
        await insertAudit(sql, audit, ack.acknowledgedAt);
      });
    },
    listRolloverAcknowledgements: async () => (await database.query<AcknowledgementRow>(SELECT_ACKNOWLEDGEMENTS)).rows.map(acknowledgementFromRow),
  };
}
