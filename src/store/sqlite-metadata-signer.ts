// SQLite side of the metadata-signing key (keys/metadata-signer-store.ts); SqliteStore delegates here.
import type Database from 'better-sqlite3';
import type { AuditInput } from '../audit/types.js';
import type { MetadataSignerChange, MetadataSignerRecord } from '../keys/metadata-signer-store.js';

interface MetadataSignerRow {
  kid: string;
  cert_pem: string;
  sealed_private_key: string;
  created_at: number;
  retired_at: number | null;
}

const fromRow = (row: MetadataSignerRow): MetadataSignerRecord => ({
  kid: row.kid,
  certPem: row.cert_pem,
  sealedPrivateKey: row.sealed_private_key,
  createdAt: new Date(row.created_at),
  retiredAt: row.retired_at === null ? undefined : new Date(row.retired_at),
});

export function sqliteActiveMetadataSigner(db: Database.Database): MetadataSignerRecord | undefined {
  const row = db.prepare("SELECT * FROM metadata_signing_keys WHERE state = 'active'").get() as MetadataSignerRow | undefined;
  return row && fromRow(row);
}

/** BEGIN IMMEDIATE: serialised with key changes and other processes, like SqliteStore.changeKeys. */
export function sqlitePutMetadataSigner(
  db: Database.Database,
  change: MetadataSignerChange,
  insertAudit: (entry: AuditInput, now: Date) => void,
): boolean {
  const run = db.transaction((): boolean => {
    if (!change.replace && sqliteActiveMetadataSigner(db)) return false;
    const now = change.now.getTime();
    db.prepare("UPDATE metadata_signing_keys SET state = 'retired', retired_at = ? WHERE state = 'active'").run(now);
    db.prepare("INSERT INTO metadata_signing_keys (kid, state, cert_pem, sealed_private_key, created_at) VALUES (?, 'active', ?, ?, ?)").run(
      change.record.kid,
      change.record.certPem,
      change.record.sealedPrivateKey,
      change.record.createdAt.getTime(),
    );
    db.prepare("UPDATE change_counters SET version = version + 1 WHERE name = 'keys'").run();
    insertAudit(change.audit, change.now);
    return true;
  });
  return run.immediate();
}
