// SQLite consumer sightings and rollover acknowledgements (the port in rollover/sighting-store.ts).
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
import { all, immediate, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';

export function sqliteSightings(db: SqliteDatabase): SightingStore {
  return {
    async saveSightings(sightings) {
      immediate(db, () => {
        for (const batch of sightingBatches(sightings)) run(db, upsertSightings(batch.length), ...batch.flatMap((s) => sightingValues(s, sqliteEncoding)));
      });
    },
    listSightings: async () => all<SightingRow>(db, SELECT_SIGHTINGS).map(sightingFromRow),
    pruneAnonymousSightings: async (before) => run(db, PRUNE_ANONYMOUS_SIGHTINGS, sqliteEncoding.time(before)),
    async acknowledgeRollover(ack, audit) {
      immediate(db, () => {
        run(db, UPSERT_ACKNOWLEDGEMENT, ...acknowledgementValues(ack, sqliteEncoding));
        insertAudit(db, audit, ack.acknowledgedAt);
      });
    },
    listRolloverAcknowledgements: async () => all<AcknowledgementRow>(db, SELECT_ACKNOWLEDGEMENTS).map(acknowledgementFromRow),
  };
}
