// Direct writes to a test store's rows, bypassing fedmeta: how a damaged or tampered row looks to
// the server (SQLite file or PostgreSQL schema, whichever the server runs on).
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Config } from '../../src/config.js';

/** Overwrite the sealed private key of `kid` (no change counter is bumped: nothing tells the server). */
export async function setSealedPrivateKey(config: Config, kid: string, sealed: string): Promise<void> {
  if (config.database.kind === 'sqlite') {
    const db = new Database(config.database.path);
    try {
      const { changes } = db.prepare('UPDATE signing_keys SET sealed_private_key = ? WHERE kid = ?').run(sealed, kid);
      if (changes !== 1) throw new Error(`no key row ${kid}`);
    } finally {
      db.close();
    }
    return;
  }
  const client = new pg.Client({ connectionString: config.database.url });
  await client.connect();
  try {
    const { rowCount } = await client.query('UPDATE signing_keys SET sealed_private_key = $1 WHERE kid = $2', [sealed, kid]);
    if (rowCount !== 1) throw new Error(`no key row ${kid}`);
  } finally {
    await client.end();
  }
}
