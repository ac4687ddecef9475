// PostgreSQL schema, in order; the same logical schema (and version numbers) as migrations/sqlite.ts.
// Times are timestamptz (written from the application's clock, never the database's now()).
// Never edit a released migration; add a new one.
import { postgresMigrationsFrom8 } from './postgres-from-8.js';

export const postgresMigrations: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE signing_keys (
        kid text PRIMARY KEY,
        state text NOT NULL CHECK (state IN ('current', 'next', 'previous', 'revoked')),
        cert_pem text NOT NULL,
        sealed_private_key text NOT NULL CHECK (sealed_private_key LIKE 'fmk1.%'),
        created_at timestamptz NOT NULL,
        current_since timestamptz,
        current_until timestamptz,
        revoked_at timestamptz,
        CHECK (state <> 'revoked' OR revoked_at IS NOT NULL),
        CHECK (state <> 'current' OR current_since IS NOT NULL)
      );
      -- The store itself allows at most one current and one next key, whatever the code above does.
      CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
      CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';

      CREATE FUNCTION signing_keys_revocation_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.state = 'revoked' AND NEW.state <> 'revoked' THEN
          RAISE EXCEPTION 'a revoked signing key stays revoked' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER signing_keys_revocation_is_final BEFORE UPDATE OF state ON signing_keys
        FOR EACH ROW EXECUTE FUNCTION signing_keys_revocation_is_final();

      CREATE FUNCTION signing_keys_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'signing keys are revoked, never deleted' USING ERRCODE = 'integrity_constraint_violation';
      END $$;
      CREATE TRIGGER signing_keys_never_deleted BEFORE DELETE ON signing_keys
        FOR EACH ROW EXECUTE FUNCTION signing_keys_never_deleted();
      CREATE TRIGGER signing_keys_never_truncated BEFORE TRUNCATE ON signing_keys
        FOR EACH STATEMENT EXECUTE FUNCTION signing_keys_never_deleted();

      -- Bumped in the same transaction as a change; the keys row is also the lock that serialises
      -- key changes across instances (SELECT … FOR UPDATE).
      CREATE TABLE change_counters (name text PRIMARY KEY, version bigint NOT NULL);
      INSERT INTO change_counters (name, version) VALUES ('keys', 0);

      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        type text NOT NULL,
        description text NOT NULL,
        actor_type text NOT NULL,
        actor_id text NOT NULL,
        ip text,
        details json NOT NULL DEFAULT '{}'
      );

      CREATE TABLE api_clients (
        client_id text PRIMARY KEY,
        name text NOT NULL,
        secret_hash text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL
      );

      CREATE TABLE rate_limits (
        bucket text PRIMARY KEY,
        tokens double precision NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE applications (
        client_id text PRIMARY KEY,
        name text NOT NULL,
        callbacks json NOT NULL,
        addons json NOT NULL,
        saml_audience text UNIQUE,
        wsfed_realm text UNIQUE,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      INSERT INTO change_counters (name, version) VALUES ('clients', 0);

      CREATE TABLE users (
        user_id text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        admin boolean NOT NULL DEFAULT false,
        attributes json NOT NULL DEFAULT '{}',
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL
      );

      CREATE TABLE sessions (
        id_hash text PRIMARY KEY,
        user_id text NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);

      -- Who the session signed in to (for single logout); found by SessionIndex.
      CREATE TABLE session_participants (
        session_index text PRIMARY KEY,
        id_hash text NOT NULL REFERENCES sessions (id_hash) ON DELETE CASCADE,
        client_id text NOT NULL,
        name_id text NOT NULL,
        name_id_format text NOT NULL,
        position bigint GENERATED ALWAYS AS IDENTITY
      );
      CREATE INDEX session_participants_by_session ON session_participants (id_hash, position);

      CREATE TABLE login_states (id text PRIMARY KEY, data text NOT NULL, expires_at timestamptz NOT NULL);
      CREATE INDEX login_states_by_expiry ON login_states (expires_at);

      CREATE TABLE seen_request_ids (
        issuer text NOT NULL,
        id text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, id)
      );
      CREATE INDEX seen_request_ids_by_expiry ON seen_request_ids (expires_at);
    `,
  },
  {
    // Revocable Management API clients: the credential version goes into every access token (claim
    // "cv"); rotating the secret bumps it, so tokens from before the rotation stop verifying at once.
    version: 3,
    sql: `ALTER TABLE api_clients ADD COLUMN secret_version integer NOT NULL DEFAULT 1;`,
  },
];

// E-mail addresses are NFKC-normalised and lower-cased (src/users/email.ts). Rows written before were
// only lower-cased: bring them to the same form, except where that would collide with another row
// (left as they were, for an operator to resolve).
postgresMigrations.push({
  version: 4,
  sql: `
    UPDATE users SET email = lower(normalize(email, NFKC))
    WHERE email <> lower(normalize(email, NFKC))
      AND NOT EXISTS (SELECT 1 FROM users other WHERE other.user_id <> users.user_id AND lower(normalize(other.email, NFKC)) = lower(normalize(users.email, NFKC)));
  `,
});

// The metadata-signing key (issue 11): one active row, retired rows kept. The key itself is
// created by the first start after this migration (RSA generation does not belong in SQL).
postgresMigrations.push({
  version: 5,
  sql: `
    CREATE TABLE metadata_signing_keys (
      kid text PRIMARY KEY,
      state text NOT NULL CHECK (state IN ('active', 'retired')),
      cert_pem text NOT NULL,
      sealed_private_key text NOT NULL CHECK (sealed_private_key LIKE 'fmk1.%'),
      created_at timestamptz NOT NULL,
      retired_at timestamptz,
      CHECK (state <> 'retired' OR retired_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX metadata_signing_keys_one_active ON metadata_signing_keys (state) WHERE state = 'active';
  `,
});

// Rollover readiness: one row per consumer of a published document (bounded: written from an
// in-memory buffer), and administrators' confirmations of manual certificate uploads.
postgresMigrations.push({
  version: 6,
  sql: `
    CREATE TABLE consumer_sightings (
      consumer_key text PRIMARY KEY,
      document text NOT NULL,
      client_id text,
      user_agent text,
      address text,
      key_set_version bigint NOT NULL,
      kids text NOT NULL,
      seen_at timestamptz NOT NULL
    );
    CREATE INDEX consumer_sightings_anonymous ON consumer_sightings (seen_at) WHERE client_id IS NULL;
    CREATE TABLE rollover_acknowledgements (
      client_id text NOT NULL,
      kid text NOT NULL,
      acknowledged_at timestamptz NOT NULL,
      actor_id text NOT NULL,
      PRIMARY KEY (client_id, kid)
    );
  `,
});

// Log streams (src/log-streams/): the audit log delivered to HTTP endpoints from a per-stream cursor
// (delivered_id, the last delivered audit id); lease_owner/lease_until let one instance deliver at a
// time (taken with a conditional UPDATE, which locks the row).
postgresMigrations.push({
  version: 7,
  sql: `
    CREATE TABLE log_streams (
      id text PRIMARY KEY,
      name text NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'paused', 'suspended')),
      sink json NOT NULL,
      sealed_authorization text,
      sealed_secret text NOT NULL,
      filters json NOT NULL DEFAULT '[]',
      delivered_id bigint NOT NULL,
      failures integer NOT NULL DEFAULT 0,
      last_error text,
      suspended_reason text,
      next_attempt_at timestamptz NOT NULL,
      last_delivery_at timestamptz,
      lease_owner text,
      lease_until timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
  `,
});

postgresMigrations.push(...postgresMigrationsFrom8);
