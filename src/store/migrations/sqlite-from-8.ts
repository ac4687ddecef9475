// SQLite migrations 8 onwards (users you can manage, keys in a PKCS#11 token, audit log queries), in
// order; migrations/sqlite.ts holds 1–7 and appends these. Never edit a released migration; add a new one.
export const sqliteMigrationsFrom8: { version: number; sql: string }[] = [];

// Users you can manage (issue 14): blocked users cannot sign in; name_key is the name's search form
// (NFKC, lower case, rows.ts emailKey); updated_at is Auth0's. Sessions are ended per user, hence the index.
sqliteMigrationsFrom8.push({
  version: 8,
  sql: `
    ALTER TABLE users ADD COLUMN blocked INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE users ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN updated_at INTEGER;
    UPDATE users SET name_key = fedmeta_email_key(name), updated_at = created_at;
    CREATE INDEX sessions_by_user ON sessions (user_id);
  `,
});

// Keys in a PKCS#11 token (issue 15): key_location says where a private key lives, `sealed` (the
// envelope in sealed_private_key, as before) or `pkcs11:<token label>` (no private material here at
// all). SQLite cannot relax a column's CHECK in place: both key tables are rebuilt, rows copied as
// sealed, indexes and triggers recreated as they were.
sqliteMigrationsFrom8.push({
  version: 9,
  sql: `
    CREATE TABLE signing_keys_v9 (
      kid TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('current', 'next', 'previous', 'revoked')),
      cert_pem TEXT NOT NULL,
      key_location TEXT NOT NULL DEFAULT 'sealed',
      sealed_private_key TEXT,
      created_at INTEGER NOT NULL,
      current_since INTEGER,
      current_until INTEGER,
      revoked_at INTEGER,
      CHECK (state <> 'revoked' OR revoked_at IS NOT NULL),
      CHECK (state <> 'current' OR current_since IS NOT NULL),
      CHECK ((key_location = 'sealed' AND sealed_private_key IS NOT NULL AND sealed_private_key LIKE 'fmk1.%') OR (key_location LIKE 'pkcs11:_%' AND sealed_private_key IS NULL))
    );
    INSERT INTO signing_keys_v9 (kid, state, cert_pem, sealed_private_key, created_at, current_since, current_until, revoked_at)
      SELECT kid, state, cert_pem, sealed_private_key, created_at, current_since, current_until, revoked_at FROM signing_keys;
    DROP TABLE signing_keys;
    ALTER TABLE signing_keys_v9 RENAME TO signing_keys;
    CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
    CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';
    CREATE TRIGGER signing_keys_revocation_is_final BEFORE UPDATE OF state ON signing_keys
      WHEN OLD.state = 'revoked' AND NEW.state <> 'revoked'
      BEGIN SELECT RAISE(ABORT, 'a revoked signing key stays revoked'); END;
    CREATE TRIGGER signing_keys_never_deleted BEFORE DELETE ON signing_keys
      BEGIN SELECT RAISE(ABORT, 'signing keys are revoked, never deleted'); END;

    CREATE TABLE metadata_signing_keys_v9 (
      kid TEXT PRIMARY KEY,
      state TEXT NOT NULL CHECK (state IN ('active', 'retired')),
      cert_pem TEXT NOT NULL,
      key_location TEXT NOT NULL DEFAULT 'sealed',
      sealed_private_key TEXT,
      created_at INTEGER NOT NULL,
      retired_at INTEGER,
      CHECK (state <> 'retired' OR retired_at IS NOT NULL),
      CHECK ((key_location = 'sealed' AND sealed_private_key IS NOT NULL AND sealed_private_key LIKE 'fmk1.%') OR (key_location LIKE 'pkcs11:_%' AND sealed_private_key IS NULL))
    );
    INSERT INTO metadata_signing_keys_v9 (kid, state, cert_pem, sealed_private_key, created_at, retired_at)
      SELECT kid, state, cert_pem, sealed_private_key, created_at, retired_at FROM metadata_signing_keys;
    DROP TABLE metadata_signing_keys;
    ALTER TABLE metadata_signing_keys_v9 RENAME TO metadata_signing_keys;
    CREATE UNIQUE INDEX metadata_signing_keys_one_active ON metadata_signing_keys (state) WHERE state = 'active';
    CREATE TRIGGER metadata_signing_keys_never_deleted BEFORE DELETE ON metadata_signing_keys
      BEGIN SELECT RAISE(ABORT, 'metadata-signing keys are retired, never deleted'); END;
  `,
});

// Audit log queries (GET /api/v2/logs): stored types become fedmeta's event names (Auth0's codes are
// derived, src/audit/event-types.ts), user_id and client_id are filed in columns, and every filter
// has an index ending in (at, id), the order of every search.
sqliteMigrationsFrom8.push({
  version: 10,
  sql: `
    ALTER TABLE audit_log ADD COLUMN user_id TEXT;
    ALTER TABLE audit_log ADD COLUMN client_id TEXT;
    UPDATE audit_log SET type = CASE type WHEN 's' THEN 'login_succeeded' WHEN 'f' THEN 'login_failed' WHEN 'slo' THEN 'logout'
      WHEN 'ssa' THEN 'sso_succeeded' WHEN 'seccft' THEN 'token_issued' WHEN 'feccft' THEN 'token_refused' ELSE type END;
    UPDATE audit_log SET
      user_id = CASE WHEN actor_type = 'user' AND type <> 'login_failed' THEN actor_id END,
      client_id = CASE WHEN actor_type = 'api_client' THEN actor_id
        WHEN json_valid(details) AND json_type(details, '$.client_id') = 'text' THEN json_extract(details, '$.client_id') END;
    CREATE INDEX audit_log_type ON audit_log (type, at, id);
    CREATE INDEX audit_log_at ON audit_log (at, id);
    CREATE INDEX audit_log_user ON audit_log (user_id, at, id);
    CREATE INDEX audit_log_client ON audit_log (client_id, at, id);
  `,
});
