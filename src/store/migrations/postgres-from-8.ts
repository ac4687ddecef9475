// PostgreSQL migrations 8 onwards (users you can manage, keys in a PKCS#11 token, audit log queries), in
// order; migrations/postgres.ts holds 1–7 and appends these. Never edit a released migration; add a new one.
export const postgresMigrationsFrom8: { version: number; sql: string }[] = [];

// Users you can manage (issue 14): blocked users cannot sign in; name_key is the name's search form
// (NFKC, lower case, rows.ts emailKey); updated_at is Auth0's. Sessions are ended per user, hence the index.
postgresMigrationsFrom8.push({
  version: 8,
  sql: `
    ALTER TABLE users ADD COLUMN blocked boolean NOT NULL DEFAULT false;
    ALTER TABLE users ADD COLUMN name_key text NOT NULL DEFAULT '';
    ALTER TABLE users ADD COLUMN updated_at timestamptz;
    UPDATE users SET name_key = lower(normalize(name, NFKC)), updated_at = created_at;
    CREATE INDEX sessions_by_user ON sessions (user_id);
  `,
});

// Keys in a PKCS#11 token (issue 15): key_location says where a private key lives, `sealed` (the
// envelope in sealed_private_key, as before) or `pkcs11:<token label>` (no private material here at all).
postgresMigrationsFrom8.push({
  version: 9,
  sql: `
    ALTER TABLE signing_keys ADD COLUMN key_location text NOT NULL DEFAULT 'sealed';
    ALTER TABLE signing_keys ALTER COLUMN sealed_private_key DROP NOT NULL;
    ALTER TABLE signing_keys DROP CONSTRAINT signing_keys_sealed_private_key_check;
    ALTER TABLE signing_keys ADD CONSTRAINT signing_keys_private_key_location CHECK (
      (key_location = 'sealed' AND sealed_private_key IS NOT NULL AND sealed_private_key LIKE 'fmk1.%') OR (key_location LIKE 'pkcs11:_%' AND sealed_private_key IS NULL));
    ALTER TABLE metadata_signing_keys ADD COLUMN key_location text NOT NULL DEFAULT 'sealed';
    ALTER TABLE metadata_signing_keys ALTER COLUMN sealed_private_key DROP NOT NULL;
    ALTER TABLE metadata_signing_keys DROP CONSTRAINT metadata_signing_keys_sealed_private_key_check;
    ALTER TABLE metadata_signing_keys ADD CONSTRAINT metadata_signing_keys_private_key_location CHECK (
      (key_location = 'sealed' AND sealed_private_key IS NOT NULL AND sealed_private_key LIKE 'fmk1.%') OR (key_location LIKE 'pkcs11:_%' AND sealed_private_key IS NULL));
  `,
});

// Audit log queries (GET /api/v2/logs): as the same migration in migrations/sqlite.ts.
postgresMigrationsFrom8.push({
  version: 10,
  sql: `
    ALTER TABLE audit_log ADD COLUMN user_id text, ADD COLUMN client_id text;
    UPDATE audit_log SET type = CASE type WHEN 's' THEN 'login_succeeded' WHEN 'f' THEN 'login_failed' WHEN 'slo' THEN 'logout'
      WHEN 'ssa' THEN 'sso_succeeded' WHEN 'seccft' THEN 'token_issued' WHEN 'feccft' THEN 'token_refused' ELSE type END;
    UPDATE audit_log SET
      user_id = CASE WHEN actor_type = 'user' AND type <> 'login_failed' THEN actor_id END,
      client_id = CASE WHEN actor_type = 'api_client' THEN actor_id
        WHEN json_typeof(details -> 'client_id') = 'string' THEN details ->> 'client_id' END;
    CREATE INDEX audit_log_type ON audit_log (type, at, id);
    CREATE INDEX audit_log_at ON audit_log (at, id);
    CREATE INDEX audit_log_user ON audit_log (user_id, at, id);
    CREATE INDEX audit_log_client ON audit_log (client_id, at, id);
  `,
});
