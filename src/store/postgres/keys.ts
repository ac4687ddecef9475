// PostgreSQL key set. Key changes are serialised across instances by a row lock on the `keys`
// change counter (the row every key change bumps anyway); the partial unique indexes and triggers
// of migrations/postgres.ts refuse two current keys, un-revoking and deleting whatever the code does.
import type { KeyRecord } from '../../keys/types.js';
import type { KeyChangeOutcome, KeyChangeRequest, KeyStore } from '../../keys/key-store.js';
import { keyFromRow, keyValues, type KeyRow } from '../rows.js';
import { SELECT_KEYS, UPSERT_KEY } from '../statements.js';
import { spendKeyChangeToken } from '../bucket-tokens.js';
import { postgresEncoding, type PostgresDatabase, type Sql } from './database.js';
import { isUniqueViolation } from './errors.js';
import { lockBucket, writeBucket } from './rate-limits.js';
import { insertAudit } from './audit.js';
import { bumpVersion } from './changes.js';

const readKeys = async (sql: Sql) => (await sql<KeyRow>(SELECT_KEYS)).rows.map(keyFromRow);

async function writeKey(sql: Sql, key: KeyRecord): Promise<void> {
  try {
    await sql(UPSERT_KEY, keyValues(key, postgresEncoding));
  } catch (error) {
    if (!isUniqueViolation(error, /^signing_keys_one_/)) throw error;
    throw new Error(`UNIQUE constraint ${(error as { constraint?: string }).constraint} refused the change: the key set holds one ${key.state} key only`);
  }
}

async function spendToken<R>(sql: Sql, request: KeyChangeRequest<R>) {
  const { rateLimit, now } = request;
  if (!rateLimit) return undefined;
  const rate = spendKeyChangeToken(rateLimit, await lockBucket(sql, rateLimit, now), now);
  await writeBucket(sql, rateLimit.bucket, rate.state);
  return rate;
}

export function postgresKeys(database: PostgresDatabase): KeyStore {
  return {
    listKeys: () => readKeys(database.query),
    changeKeys: <R>(request: KeyChangeRequest<R>) =>
      database.transaction(async (sql): Promise<KeyChangeOutcome<R>> => {
        // Serialise every key change of every instance (and the CLI) on the row it will bump.
        await sql("SELECT version FROM change_counters WHERE name = 'keys' FOR UPDATE");
        const rate = await spendToken(sql, request);
        const plan = request.plan(await readKeys(sql));
        if (plan.changes.length === 0) return { result: plan.result, rate };
        for (const key of plan.changes) await writeKey(sql, key);
        await bumpVersion(sql, 'keys');
        for (const entry of request.audit(plan.result)) await insertAudit(sql, entry, request.now);
        return { result: plan.result, rate };
      }),
  };
}
