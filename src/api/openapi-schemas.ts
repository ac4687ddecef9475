// components.schemas of the Management API's OpenAPI document: JSON Schema 2020-12 for every object
// the API answers with, in the shapes the code builds them (src/keys/key-object.ts, src/clients/validate.ts,
// src/users/types.ts, src/audit/types.ts, src/log-streams/log-stream-object.ts, src/auth/api-clients.ts,
// src/rollover/, src/keys/policy-report.ts, src/http/errors.ts). Objects are closed
// (additionalProperties: false), so a field added to an answer without documenting it fails the tests.

type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const string: Schema = { type: 'string' };
const boolean: Schema = { type: 'boolean' };
const integer: Schema = { type: 'integer', minimum: 0 };
const dateTime: Schema = { type: 'string', format: 'date-time' };
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const stringMap: Schema = { type: 'object', additionalProperties: string };

/** A closed object: `required` members always present, `optional` ones only when set. */
export function object(required: Record<string, Schema>, optional: Record<string, Schema> = {}, description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(required),
    properties: { ...required, ...optional },
    additionalProperties: false,
  };
}

/** A closed object with more required members (a closed object cannot be extended with allOf). */
function extend(base: Schema, more: Record<string, Schema>, description: string): Schema {
  return { ...base, description, required: [...(base.required as string[]), ...Object.keys(more)], properties: { ...(base.properties as Schema), ...more } };
}

const certificateDelivery: Schema = { enum: ['metadata', 'manual'], description: 'How the relying party gets our signing certificates' };

const SamlpAddon = object(
  {
    audience: string,
    mappings: stringMap,
    nameIdentifierFormat: string,
    signResponse: boolean,
    signatureAlgorithm: { enum: ['rsa-sha256', 'rsa-sha1'] },
    digestAlgorithm: { enum: ['sha256', 'sha1'] },
    lifetimeInSeconds: { type: 'integer', minimum: 60, maximum: 86400 },
  },
  { recipient: string, signingCert: string, logout: object({}, { callback: string }), idpInitiated: boolean, certificateDelivery },
);

const WsfedAddon = object(
  { realm: string, tokenFormat: { enum: ['saml11', 'saml20'] }, lifetimeInSeconds: { type: 'integer', minimum: 60, maximum: 86400 } },
  { certificateDelivery },
);

const RolloverWarning: Schema = {
  oneOf: [
    object({ code: { const: 'application_not_ready' }, client_id: string, name: string, state: string, metadata_urls: arrayOf(string), message: string }),
    object({ code: { const: 'consumer_not_ready' }, document: string, user_agent: nullable(string), address: nullable(string), last_seen_at: dateTime, message: string }),
  ],
};

const LogStreamSink = object({ httpEndpoint: string, httpContentType: string, httpContentFormat: { enum: ['JSONARRAY', 'JSONLINES'] } }, { httpAuthorization: string });

const LogStream = object({
  id: string,
  name: string,
  type: { const: 'http' },
  status: { enum: ['active', 'paused', 'suspended'] },
  sink: object({ httpEndpoint: string, httpContentType: string, httpContentFormat: { enum: ['JSONARRAY', 'JSONLINES'] }, httpAuthorizationSet: boolean }),
  filters: arrayOf(object({ type: { const: 'category' }, name: { enum: ['keys', 'sign_in', 'management'] } })),
  delivery: object(
    { last_delivered_log_id: string, consecutive_failures: integer, next_attempt_at: dateTime },
    { last_delivery_at: dateTime, last_error: string, suspended_reason: string },
  ),
  created_at: dateTime,
  updated_at: dateTime,
});

const ApiClient = object({ client_id: string, name: string, scopes: arrayOf(string), created_at: dateTime, secret_version: { type: 'integer', minimum: 1 } });

const User = object(
  { user_id: string, email: string, name: string, admin: boolean, blocked: boolean, user_metadata: { type: 'object' }, created_at: dateTime, updated_at: dateTime },
  {},
  "A user, Auth0's members (never its password hash). A blocked user cannot sign in. user_metadata is bounded JSON; its top-level strings may be released as attributes.",
);

/** Auth0's log event: the members every entry has (with fedmeta's event and actor), then Auth0's optional ones. */
const LogEvent = object(
  { log_id: string, date: dateTime, type: string, event: string, description: string, actor: object({ type: { enum: ['api_client', 'cli', 'system', 'user'] }, id: string }), details: { type: 'object' } },
  {
    client_id: string,
    client_name: string,
    user_id: string,
    user_name: string,
    ip: string,
    user_agent: string,
    hostname: string,
    audience: string,
    scope: string,
  },
  "An audit log entry (Auth0 log event). `type` is Auth0's log event type code (sapi, fapi, s, fp, fu, slo, seccft, …); `event` is fedmeta's own name for it (src/audit/event-types.ts).",
);

/** The include_totals answer of a paged list (Auth0): the page plus where it starts and how many there are. */
export const totals = (member: string, items: string): Schema =>
  object({ start: integer, limit: integer, length: integer, total: integer, [member]: arrayOf(ref(items)) });

export const SCHEMAS: Record<string, Schema> = {
  KeyObject: object(
    {
      kid: string,
      cert: string,
      pkcs7: string,
      subject: string,
      fingerprint: { type: 'string', pattern: '^([0-9A-F]{2}:){19}[0-9A-F]{2}$' },
      thumbprint: { type: 'string', pattern: '^[0-9A-F]{40}$' },
      current: boolean,
      next: boolean,
      previous: boolean,
      revoked: boolean,
      expires_at: dateTime,
      key_location: { type: 'string', pattern: '^(sealed|pkcs11:.+)$', description: 'Where the private key lives: sealed in the store, or in a PKCS#11 token (its label)' },
    },
    { current_since: dateTime, current_until: dateTime, revoked_at: dateTime, revocable_at: dateTime },
    "A signing key, Auth0's shape: kid is the RFC 7638 thumbprint; fingerprint and thumbprint are SHA-1 of the DER certificate.",
  ),
  KeyChange: object({ cert: string, kid: string }, { warnings: arrayOf(RolloverWarning) }, 'The key that is now current (rotate) or was revoked (revoke).'),
  RolloverWarning,
  RolloverReport: object({
    next: nullable(object({ kid: string, published_since: dateTime })),
    ready: boolean,
    applications: arrayOf(
      object({
        client_id: string,
        name: string,
        protocols: arrayOf({ enum: ['samlp', 'wsfed'] }),
        certificate_delivery: certificateDelivery,
        metadata_urls: arrayOf(string),
        last_fetched_at: nullable(dateTime),
        kids: arrayOf(string),
        state: { enum: ['ready', 'stale', 'unknown', 'acknowledged'] },
      }),
    ),
    consumers: arrayOf(
      object({
        document: { enum: ['samlp-metadata', 'wsfed-metadata', 'jwks', 'certificate'] },
        user_agent: nullable(string),
        address: nullable(string),
        last_seen_at: dateTime,
        kids: arrayOf(string),
        holds_next: boolean,
        recent: boolean,
      }),
    ),
  }),
  RolloverAcknowledgement: object({ client_id: string, kid: string }),
  RotationPolicy: object({
    rotate_every: nullable(string),
    next_min_age: nullable(string),
    revoke_previous_after: nullable(string),
    require_ready: boolean,
    next_rotation_at: nullable(dateTime),
    scheduled_revocations: arrayOf(object({ kid: string, revoke_at: dateTime })),
  }),
  Client: object(
    { client_id: string, name: string, callbacks: arrayOf(string), addons: object({}, { samlp: SamlpAddon, wsfed: WsfedAddon }), created_at: dateTime, updated_at: dateTime },
    {},
    'An application (Auth0 "client") with its SAML and WS-Fed add-ons.',
  ),
  SamlpAddon,
  WsfedAddon,
  User,
  LogEvent,
  LogStream,
  LogStreamCreated: extend(LogStream, { signing_secret: string }, 'A new log stream with its signing secret (shown this once)'),
  LogStreamSink,
  ApiClient,
  ApiClientWithSecret: extend(ApiClient, { client_secret: string }, 'A Management API client with its new secret (shown this once)'),
  TokenResponse: object({ access_token: string, token_type: { const: 'Bearer' }, expires_in: { type: 'integer', minimum: 1 }, scope: string }),
  OAuthError: object({ error: { type: 'string', pattern: '^[a-z_]+$' }, error_description: string }, {}, 'RFC 6749 section 5.2.'),
  Error: object(
    {
      statusCode: { type: 'integer', minimum: 400, maximum: 599 },
      error: string,
      message: string,
      errorCode: { type: 'string', pattern: '^[a-z0-9_]+$' },
    },
    { revocable_at: dateTime, rotatable_at: dateTime, warnings: arrayOf(RolloverWarning) },
    "Auth0's error body; errorCode is fedmeta's stable code. Some conflicts add details: revocable_at (key_still_in_use), rotatable_at (next_key_too_young), warnings (rollover_not_ready).",
  ),
};
