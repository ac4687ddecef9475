// SQLite key set: a key change, its rate-limit token, the `keys` counter and its audit entries in one transaction.
import type { KeyChangeOutcome, KeyChangeRequest, KeyStore } from '../../keys/key-store.js';
import { keyFromRow, keyValues, type KeyRow } from '../rows.js';
import { SELECT_KEYS, UPSERT_KEY } from '../statements.js';
import { spendKeyChangeToken } from '../bucket-tokens.js';
import { all, immediate, run, sqliteEncoding, type SqliteDatabase } from './database.js';
import { readBucket, writeBucket } from './rate-limits.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

export function sqliteKeys(db: SqliteDatabase): KeyStore {
  const readKeys = () => all<KeyRow>(db, SELECT_KEYS).map(keyFromRow);
  return {
    async listKeys() {
      return readKeys();
    },
    async changeKeys<R>(request: KeyChangeRequest<R>): Promise<KeyChangeOutcome<R>> {
      return immediate(db, () => {
        const { rateLimit, now } = request;
        const rate = rateLimit && spendKeyChangeToken(rateLimit, readBucket(db, rateLimit.bucket), now);
        if (rateLimit && rate) writeBucket(db, rateLimit.bucket, rate.state);
        const plan = request.plan(readKeys());
        if (plan.changes.length === 0) return { result: plan.result, rate };
        for (const key of plan.changes) run(db, UPSERT_KEY, ...keyValues(key, sqliteEncoding));
        bumpVersion(db, 'keys');
        for (const entry of request.audit(plan.result)) insertAudit(db, entry, now);
        return { result: plan.result, rate };
      });
    },
  };
}
