// PostgreSQL side of the metadata-signing key (keys/metadata-signer-store.ts); PostgresStore delegates
// here. The change takes the same row lock as every key change, so it is serialised with rotations.
import type pg from 'pg';
import type { AuditInput } from '../audit/types.js';
import type { MetadataSignerChange, MetadataSignerRecord } from '../keys/metadata-signer-store.js';

/** A pool or a transaction's client. */
interface Db {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface MetadataSignerRow {
  kid: string;
  cert_pem: string;
  sealed_private_key: string;
  created_at: Date;
  retired_at: Date | null;
}

const ACTIVE = "SELECT * FROM metadata_signing_keys WHERE state = 'active'";

const fromRow = (row: MetadataSignerRow): MetadataSignerRecord => ({
  kid: row.kid,
  certPem: row.cert_pem,
  sealedPrivateKey: row.sealed_private_key,
  createdAt: row.created_at,
  retiredAt: row.retired_at ?? undefined,
});

export async function postgresActiveMetadataSigner(db: Db): Promise<MetadataSignerRecord | undefined> {
  const { rows } = await db.query<MetadataSignerRow>(ACTIVE);
  return rows[0] && fromRow(rows[0]);
}

/** PostgresStore's own steps, bound to the same transaction. */
export interface PostgresChangeHelpers {
  bumpKeys(): Promise<void>;
  insertAudit(entry: AuditInput, now: Date): Promise<void>;
}

/** Runs inside PostgresStore's transaction. */
export async function postgresPutMetadataSigner(db: Db, change: MetadataSignerChange, helpers: PostgresChangeHelpers): Promise<boolean> {
  await db.query("SELECT version FROM change_counters WHERE name = 'keys' FOR UPDATE");
  if (!change.replace && (await postgresActiveMetadataSigner(db))) return false;
  await db.query("UPDATE metadata_signing_keys SET state = 'retired', retired_at = $1 WHERE state = 'active'", [change.now]);
  const { kid, certPem, sealedPrivateKey, createdAt } = change.record;
  await db.query("INSERT INTO metadata_signing_keys (kid, state, cert_pem, sealed_private_key, created_at) VALUES ($1, 'active', $2, $3, $4)", [
    kid,
    certPem,
    sealedPrivateKey,
    createdAt,
  ]);
  await helpers.bumpKeys();
  await helpers.insertAudit(change.audit, change.now);
  return true;
}
