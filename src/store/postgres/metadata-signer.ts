// PostgreSQL side of the metadata-signing key (keys/metadata-signer-store.ts). A change takes the same
// row lock as every key change, so it is serialised with rotations across instances.
import type { MetadataSignerChange, MetadataSignerStore } from '../../keys/metadata-signer-store.js';
import {
  INSERT_METADATA_SIGNER,
  metadataSignerFromRow,
  metadataSignerValues,
  RETIRE_METADATA_SIGNER,
  SELECT_ACTIVE_METADATA_SIGNER,
  type MetadataSignerRow,
} from '../metadata-signer-rows.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

async function active(sql: Sql) {
  const row = (await sql<MetadataSignerRow>(SELECT_ACTIVE_METADATA_SIGNER)).rows[0];
  return row && metadataSignerFromRow(row);
}

export function postgresMetadataSigner(database: PostgresDatabase): MetadataSignerStore {
  return {
    activeMetadataSigner: () => active(database.query),
    putMetadataSigner: (change: MetadataSignerChange) =>
      database.transaction(async (sql) => {
        await sql("SELECT version FROM change_counters WHERE name = 'keys' FOR UPDATE");
        if (!change.replace && (await active(sql))) return false;
        await sql(RETIRE_METADATA_SIGNER, [postgresEncoding.time(change.now)]);
        await sql(INSERT_METADATA_SIGNER, metadataSignerValues(change.record, postgresEncoding));
        await bumpVersion(sql, 'keys');
        await insertAudit(sql, change.audit, change.now);
        return true;
      }),
  };
}
