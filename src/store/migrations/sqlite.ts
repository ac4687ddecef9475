// SQLite schema, in order. Never edit a released migration; add a new one.
import { sqliteMigrationsFrom8 } from './sqlite-from-8.js';

export const sqliteMigrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('current', 'next', 'previous', 'revoked')),
        cert_pem TEXT NOT NULL,
        sealed_private_key TEXT NOT NULL CHECK (sealed_private_key LIKE 'fmk1.%'),
        created_at INTEGER NOT NULL,
        current_since INTEGER,
        current_until INTEGER,
        revoked_at INTEGER,
        CHECK (state <> 'revoked' OR revoked_at IS NOT NULL),
        CHECK (state <> 'current' OR current_since IS NOT NULL)
      );
      -- The store itself allows at most one current and one next key.
      CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
      CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';
      CREATE TRIGGER signing_keys_revocation_is_final BEFORE UPDATE OF state ON signing_keys
        WHEN OLD.state = 'revoked' AND NEW.state <> 'revoked'
        BEGIN SELECT RAISE(ABORT, 'a revoked signing key stays revoked'); END;
      CREATE TRIGGER signing_keys_never_deleted BEFORE DELETE ON signing_keys
        BEGIN SELECT RAISE(ABORT, 'signing keys are revoked, never deleted'); END;

      CREATE TABLE change_counters (name TEXT PRIMARY KEY, version INTEGER NOT NULL);
      INSERT INTO change_counters (name, version) VALUES ('keys', 0);

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        description TEXT NOT NULL,
        actor_type TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        ip TEXT,
        details TEXT NOT NULL DEFAULT '{}'
      );

      CREATE TABLE api_clients (
        client_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        scopes TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      CREATE TABLE rate_limits (
        bucket TEXT PRIMARY KEY,
        tokens REAL NOT NULL,
        updated_at INTEGER NOT NULL
      );
    `,
  },
];

sqliteMigrations.push({
  version: 2,
  sql: `
    CREATE TABLE applications (
      client_id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      callbacks TEXT NOT NULL,
      addons TEXT NOT NULL,
      saml_audience TEXT UNIQUE,
      wsfed_realm TEXT UNIQUE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    INSERT INTO change_counters (name, version) VALUES ('clients', 0);

    CREATE TABLE users (
      user_id TEXT PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      admin INTEGER NOT NULL DEFAULT 0,
      attributes TEXT NOT NULL DEFAULT '{}',
      password_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL
    );

    CREATE TABLE sessions (
      id_hash TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      expires_at INTEGER NOT NULL
    );

    -- Who the session signed in to (for single logout); found by SessionIndex when an SP's
    -- cross-site POST LogoutRequest arrives without our SameSite=Lax cookie.
    CREATE TABLE session_participants (
      session_index TEXT PRIMARY KEY,
      id_hash TEXT NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
      client_id TEXT NOT NULL,
      name_id TEXT NOT NULL,
      name_id_format TEXT NOT NULL
    );
    CREATE INDEX session_participants_by_session ON session_participants (id_hash);

    CREATE TABLE login_states (id TEXT PRIMARY KEY, data TEXT NOT NULL, expires_at INTEGER NOT NULL);

    CREATE TABLE seen_request_ids (
      issuer TEXT NOT NULL,
      id TEXT NOT NULL,
      expires_at INTEGER NOT NULL,
      PRIMARY KEY (issuer, id)
    );
  `,
});

// Revocable Management API clients: the credential version goes into every access token (claim
// "cv"); rotating the secret bumps it, so tokens from before the rotation stop verifying at once.
sqliteMigrations.push({
  version: 3,
  sql: `ALTER TABLE api_clients ADD COLUMN secret_version INTEGER NOT NULL DEFAULT 1;`,
});

// E-mail addresses are NFKC-normalised and lower-cased (src/users/email.ts). Rows written before were
// only lower-cased: bring them to the same form, except where that would collide with another row
// (left as they were, for an operator to resolve). fedmeta_email_key is registered by sqlite/database.ts.
sqliteMigrations.push({
  version: 4,
  sql: `
    UPDATE users SET email = fedmeta_email_key(email)
    WHERE email <> fedmeta_email_key(email)
      AND NOT EXISTS (SELECT 1 FROM users other WHERE other.user_id <> users.user_id AND fedmeta_email_key(other.email) = fedmeta_email_key(users.email));
  `,
});

// The metadata-signing key (issue 11): one active row, retired rows kept. The key itself is created
// by the first start after this migration (RSA generation does not belong in SQL).
sqliteMigrations.push({
  version: 5,
  sql: `
    CREATE TABLE metadata_signing_keys (
      kid TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
      cert_pem TEXT NOT NULL,
      sealed_private_key TEXT NOT NULL CHECK (sealed_private_key LIKE 'fmk1.%'),
      created_at INTEGER NOT NULL,
      retired_at INTEGER,
      CHECK (state <> 'retired' OR retired_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX metadata_signing_keys_one_active ON metadata_signing_keys (state) WHERE state = 'active';
    CREATE TRIGGER metadata_signing_keys_never_deleted BEFORE DELETE ON metadata_signing_keys
      BEGIN SELECT RAISE(ABORT, 'metadata-signing keys are retired, never deleted'); END;
  `,
});

// Rollover readiness: one row per consumer of a published document (bounded: written from an
// in-memory buffer), and administrators' confirmations of manual certificate uploads.
sqliteMigrations.push({
  version: 6,
  sql: `
    CREATE TABLE consumer_sightings (
      consumer_key TEXT PRIMARY KEY,
      document TEXT NOT NULL,
      client_id TEXT,
      user_agent TEXT,
      address TEXT,
      key_set_version INTEGER NOT NULL,
      kids TEXT NOT NULL,
      seen_at INTEGER NOT NULL
    );
    CREATE INDEX consumer_sightings_anonymous ON consumer_sightings (seen_at) WHERE client_id IS NULL;
    CREATE TABLE rollover_acknowledgements (
      client_id TEXT NOT NULL,
      kid TEXT NOT NULL,
      acknowledged_at INTEGER NOT NULL,
      actor_id TEXT NOT NULL,
      PRIMARY KEY (client_id, kid)
    );
  `,
});

// Log streams (src/log-streams/): the audit log delivered to HTTP endpoints from a per-stream cursor
// (delivered_id, the last delivered audit id); lease_owner/lease_until let one process deliver at a time.
sqliteMigrations.push({
  version: 7,
  sql: `
    CREATE TABLE log_streams (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'suspended')),
      sink TEXT NOT NULL,
      sealed_authorization TEXT,
      sealed_secret TEXT NOT NULL,
      filters TEXT NOT NULL DEFAULT '[]',
      delivered_id INTEGER NOT NULL,
      failures INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      suspended_reason TEXT,
      next_attempt_at INTEGER NOT NULL,
      last_delivery_at INTEGER,
      lease_owner TEXT,
      lease_until INTEGER,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
  `,
});

sqliteMigrations.push(...sqliteMigrationsFrom8);
