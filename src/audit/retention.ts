// Retention: entries older than FEDMETA_AUDIT_RETENTION go, key events included (as Auth0 and ADFS
// keep every event for the retention period only; the signing_keys table keeps each key's history),
// oldest first, in small batches, each its own statement, with the event loop free in between.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { AuditStore } from './audit-store.js';

export const PURGE_BATCH = 1000;
/** At most this many batches a pass; the next pass carries on. */
const MAX_BATCHES = 100;

export async function purgeOldAudit(store: Pick<AuditStore, 'purgeAuditBefore'>, now: Date, retentionMs: number, batch = PURGE_BATCH): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  let total = 0;
  for (let round = 0; round < MAX_BATCHES; round += 1) {
    const deleted = await store.purgeAuditBefore(cutoff, batch);
    total += deleted;
    if (deleted < batch) break;
    await yieldToEventLoop();
  }
  return total;
}
