// The metadata-signing key's rows and statements, written once for both backends (`?` placeholders;
// PostgreSQL numbers them). Timestamps come back as SQLite's epoch ms or pg's Date.
import type { MetadataSignerRecord } from '../keys/metadata-signer-store.js';
import type { ColumnEncoding, TimeColumn } from './rows.js';

export interface MetadataSignerRow {
  kid: string;
  cert_pem: string;
  key_location: string;
  sealed_private_key: string | null;
  created_at: TimeColumn;
  retired_at: TimeColumn | null;
}

const asDate = (value: TimeColumn) => (value instanceof Date ? value : new Date(value));

export function metadataSignerFromRow(row: MetadataSignerRow): MetadataSignerRecord {
  return {
    kid: row.kid,
    certPem: row.cert_pem,
    location: row.key_location,
    sealedPrivateKey: row.sealed_private_key ?? undefined,
    createdAt: asDate(row.created_at),
    retiredAt: row.retired_at === null ? undefined : asDate(row.retired_at),
  };
}

export const SELECT_ACTIVE_METADATA_SIGNER = "SELECT * FROM metadata_signing_keys WHERE state = 'active'";
export const RETIRE_METADATA_SIGNER = "UPDATE metadata_signing_keys SET state = 'retired', retired_at = ? WHERE state = 'active'";
export const INSERT_METADATA_SIGNER =
  "INSERT INTO metadata_signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at) VALUES (?, 'active', ?, ?, ?, ?)";

export const metadataSignerValues = (record: MetadataSignerRecord, encoding: ColumnEncoding) => [
  record.kid,
  record.certPem,
  record.location,
  record.sealedPrivateKey ?? null,
  encoding.time(record.createdAt),
];
