// The application SQL both backends share, with `?` placeholders (postgres/database.ts numbers them).
// Values come from rows.ts in the same column order. Backend-specific SQL stays in its own folder.

export const SELECT_KEYS = 'SELECT * FROM signing_keys ORDER BY created_at, kid';

export const UPSERT_KEY = `
  INSERT INTO signing_keys (kid, state, cert_pem, key_location, sealed_private_key, created_at, current_since, current_until, revoked_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (kid) DO UPDATE SET state = excluded.state, cert_pem = excluded.cert_pem, current_since = excluded.current_since,
    current_until = excluded.current_until, revoked_at = excluded.revoked_at`;


export const SELECT_BUCKET = 'SELECT tokens, updated_at FROM rate_limits WHERE bucket = ?';
export const DELETE_IDLE_BUCKETS = 'DELETE FROM rate_limits WHERE updated_at <= ?';

export const INSERT_API_CLIENT = 'INSERT INTO api_clients (client_id, name, secret_hash, scopes, created_at, secret_version) VALUES (?, ?, ?, ?, ?, ?)';
export const SELECT_API_CLIENT = 'SELECT * FROM api_clients WHERE client_id = ?';
export const SELECT_API_CLIENTS = 'SELECT * FROM api_clients ORDER BY created_at, client_id';
export const DELETE_API_CLIENT = 'DELETE FROM api_clients WHERE client_id = ?';
/** Values: secretHash, clientId. */
export const ROTATE_API_CLIENT_SECRET = 'UPDATE api_clients SET secret_hash = ?, secret_version = secret_version + 1 WHERE client_id = ? RETURNING *';

export const SELECT_APPLICATIONS = 'SELECT * FROM applications ORDER BY created_at, client_id';
export type ApplicationKey = 'client_id' | 'saml_audience' | 'wsfed_realm';
export const selectApplicationBy = (column: ApplicationKey) => `SELECT * FROM applications WHERE ${column} = ?`;
/** The three look-ups by a unique column, over a backend's one-row reader. */
export const applicationLookups = <A>(oneBy: (column: ApplicationKey, value: string) => Promise<A | undefined>) => ({
  getApplication: (clientId: string) => oneBy('client_id', clientId),
  findApplicationByAudience: (audience: string) => oneBy('saml_audience', audience),
  findApplicationByRealm: (realm: string) => oneBy('wsfed_realm', realm),
});
export const UPSERT_APPLICATION = `
  INSERT INTO applications (client_id, name, callbacks, addons, saml_audience, wsfed_realm, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, callbacks = excluded.callbacks, addons = excluded.addons,
    saml_audience = excluded.saml_audience, wsfed_realm = excluded.wsfed_realm, updated_at = excluded.updated_at`;
export const DELETE_APPLICATION = 'DELETE FROM applications WHERE client_id = ?';
export const APPLICATION_CONFLICT = 'Another application already uses this SAML audience or WS-Fed realm';

export const INSERT_USER = `
  INSERT INTO users (user_id, email, name, name_key, admin, blocked, attributes, password_hash, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
export const SELECT_USER_BY_ID = 'SELECT * FROM users WHERE user_id = ?';
export const SELECT_USER_BY_EMAIL = 'SELECT * FROM users WHERE email = ?';
export const DELETE_USER = 'DELETE FROM users WHERE user_id = ?';
/** Values: admin flag, userId. */
export const SET_USER_ADMIN = 'UPDATE users SET admin = ? WHERE user_id = ?';
export const DELETE_USER_SESSIONS = 'DELETE FROM sessions WHERE user_id = ?';
export const userConflict = (email: string) => `A user with email ${email} already exists`;

export const INSERT_SESSION = 'INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)';
export const SELECT_LIVE_SESSION = 'SELECT id_hash, user_id, created_at, expires_at FROM sessions WHERE id_hash = ? AND expires_at > ?';
export const SELECT_SESSION_BY_INDEX = 'SELECT id_hash FROM session_participants WHERE session_index = ?';
export const DELETE_SESSION = 'DELETE FROM sessions WHERE id_hash = ?';

export const INSERT_LOGIN_STATE = 'INSERT INTO login_states (id, data, expires_at) VALUES (?, ?, ?)';
export const SELECT_LOGIN_STATE = 'SELECT data FROM login_states WHERE id = ? AND expires_at > ?';
export const DELETE_LOGIN_STATE = 'DELETE FROM login_states WHERE id = ?';

/** Inserts (issuer, id), or takes over an expired sighting; touches one row exactly when the ID is new. Values: issuer, id, expiresAt, now. */
export const REMEMBER_REQUEST_ID = `
  INSERT INTO seen_request_ids (issuer, id, expires_at) VALUES (?, ?, ?)
  ON CONFLICT (issuer, id) DO UPDATE SET expires_at = excluded.expires_at WHERE seen_request_ids.expires_at <= ?`;

/** Expired sign-in state, deleted by purgeExpired (participants go with their session). */
export const PURGE_EXPIRED = {
  sessions: 'DELETE FROM sessions WHERE expires_at <= ?',
  loginStates: 'DELETE FROM login_states WHERE expires_at <= ?',
  requestIds: 'DELETE FROM seen_request_ids WHERE expires_at <= ?',
} as const;
