// PostgreSQL adapter of the rollover port (rollover/types.ts): consumer sightings and acknowledgements.
import type pg from 'pg';
import type { AuditInput } from '../audit/types.js';
import type { RolloverAcknowledgement, Sighting, SightingStore } from '../rollover/types.js';
import { sightingFromRow, sightingValues, type SightingRow } from './sighting-rows.js';

/** What the adapter borrows from PostgresStore: its error-translating query and retrying transaction. */
export interface PostgresAccess {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  transaction<T>(work: (db: pg.PoolClient) => Promise<T>): Promise<T>;
  insertAudit(db: pg.PoolClient, entry: AuditInput, now: Date): Promise<void>;
}

const CHUNK = 1000;

export class PostgresSightings implements SightingStore {
  constructor(private readonly pg: PostgresAccess) {}

  async saveSightings(sightings: Sighting[]): Promise<void> {
    // In a stable order so concurrent instances never deadlock; chunks stay under 65535 parameters.
    const sorted = [...sightings].sort((a, b) => String(sightingValues(a)[0]).localeCompare(String(sightingValues(b)[0])));
    for (let start = 0; start < sorted.length; start += CHUNK) await this.upsert(sorted.slice(start, start + CHUNK));
  }

  private async upsert(rows: Sighting[]): Promise<void> {
    const values = rows.flatMap((s) => [...sightingValues(s), s.seenAt]);
    const tuples = rows.map((_, i) => `(${Array.from({ length: 8 }, (__, j) => `$${i * 8 + j + 1}`).join(', ')})`);
    await this.pg.query(
      `INSERT INTO consumer_sightings (consumer_key, document, client_id, user_agent, address, key_set_version, kids, seen_at)
       VALUES ${tuples.join(', ')}
       ON CONFLICT (consumer_key) DO UPDATE SET key_set_version = excluded.key_set_version, kids = excluded.kids, seen_at = excluded.seen_at
       WHERE excluded.seen_at >= consumer_sightings.seen_at`,
      values,
    );
  }

  async listSightings(): Promise<Sighting[]> {
    const { rows } = await this.pg.query<SightingRow>('SELECT * FROM consumer_sightings ORDER BY seen_at DESC');
    return rows.map(sightingFromRow);
  }

  async pruneAnonymousSightings(before: Date): Promise<number> {
    const { rowCount } = await this.pg.query('DELETE FROM consumer_sightings WHERE client_id IS NULL AND seen_at < $1', [before]);
    return rowCount ?? 0;
  }

  async acknowledgeRollover(ack: RolloverAcknowledgement, audit: AuditInput): Promise<void> {
    await this.pg.transaction(async (db) => {
      await db.query(
        `INSERT INTO rollover_acknowledgements (client_id, kid, acknowledged_at, actor_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (client_id, kid) DO UPDATE SET acknowledged_at = excluded.acknowledged_at, actor_id = excluded.actor_id`,
        [ack.clientId, ack.kid, ack.acknowledgedAt, ack.actorId],
      );
      await this.pg.insertAudit(db, audit, ack.acknowledgedAt);
    });
  }

  async listRolloverAcknowledgements(): Promise<RolloverAcknowledgement[]> {
    const { rows } = await this.pg.query<{ client_id: string; kid: string; acknowledged_at: Date; actor_id: string }>('SELECT * FROM rollover_acknowledgements');
    return rows.map((row) => ({ clientId: row.client_id, kid: row.kid, acknowledgedAt: new Date(row.acknowledged_at), actorId: row.actor_id }));
  }
}
