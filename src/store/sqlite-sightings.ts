// SQLite adapter of the rollover port (rollover/types.ts): consumer sightings and acknowledgements.
import type Database from 'better-sqlite3';
import type { AuditInput } from '../audit/types.js';
import type { RolloverAcknowledgement, Sighting, SightingStore } from '../rollover/types.js';
import { sightingFromRow, sightingValues, type SightingRow } from './sighting-rows.js';

export class SqliteSightings implements SightingStore {
  constructor(
    private readonly db: Database.Database,
    private readonly insertAudit: (entry: AuditInput, now: Date) => void,
  ) {}

  async saveSightings(sightings: Sighting[]): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO consumer_sightings (consumer_key, document, client_id, user_agent, address, key_set_version, kids, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (consumer_key) DO UPDATE SET key_set_version = excluded.key_set_version, kids = excluded.kids, seen_at = excluded.seen_at
       WHERE excluded.seen_at >= consumer_sightings.seen_at`,
    );
    this.db.transaction(() => {
      for (const sighting of sightings) upsert.run(...sightingValues(sighting), sighting.seenAt.getTime());
    }).immediate();
  }

  async listSightings(): Promise<Sighting[]> {
    return (this.db.prepare('SELECT * FROM consumer_sightings ORDER BY seen_at DESC').all() as SightingRow[]).map(sightingFromRow);
  }

  async pruneAnonymousSightings(before: Date): Promise<number> {
    return this.db.prepare('DELETE FROM consumer_sightings WHERE client_id IS NULL AND seen_at < ?').run(before.getTime()).changes;
  }

  async acknowledgeRollover(ack: RolloverAcknowledgement, audit: AuditInput): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rollover_acknowledgements (client_id, kid, acknowledged_at, actor_id) VALUES (?, ?, ?, ?)
           ON CONFLICT (client_id, kid) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, actor_id = excluded.actor_id`,
        )
        .run(ack.clientId, ack.kid, ack.acknowledgedAt.getTime(), ack.actorId);
      this.insertAudit(audit, ack.acknowledgedAt);
    }).immediate();
  }

  async listRolloverAcknowledgements(): Promise<RolloverAcknowledgement[]> {
    const rows = this.db.prepare('SELECT * FROM rollover_acknowledgements').all() as { client_id: string; kid: string; acknowledged_at: number; actor_id: string }[];
    return rows.map((row) => ({ clientId: row.client_id, kid: row.kid, acknowledgedAt: new Date(row.acknowledged_at), actorId: row.actor_id }));
  }
}
