// SQLite side of the metadata-signing key (keys/metadata-signer-store.ts): BEGIN IMMEDIATE serialises it
// with key changes and other processes; the keys counter moves so every instance re-signs its metadata.
import type { MetadataSignerChange, MetadataSignerStore } from '../../keys/metadata-signer-store.js';
import {
  INSERT_METADATA_SIGNER,
  metadataSignerFromRow,
  metadataSignerValues,
  RETIRE_METADATA_SIGNER,
  SELECT_ACTIVE_METADATA_SIGNER,
  type MetadataSignerRow,
} from '../metadata-signer-rows.js';
import { immediate, one, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

export function sqliteMetadataSigner(db: SqliteDatabase): MetadataSignerStore {
  const active = () => {
    const row = one<MetadataSignerRow>(db, SELECT_ACTIVE_METADATA_SIGNER);
    return row && metadataSignerFromRow(row);
  };
  return {
    async activeMetadataSigner() {
      return active();
    },
    async putMetadataSigner(change: MetadataSignerChange) {
      return immediate(db, () => {
        if (!change.replace && active()) return false;
        run(db, RETIRE_METADATA_SIGNER, sqliteEncoding.time(change.now));
        run(db, INSERT_METADATA_SIGNER, ...metadataSignerValues(change.record, sqliteEncoding));
        bumpVersion(db, 'keys');
        insertAudit(db, change.audit, change.now);
        return true;
      });
    },
  };
}
