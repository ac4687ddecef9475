// One error class with an HTTP status and a stable snake_case code; the error middleware maps it
// to the surface's format (Auth0 JSON for the Management API, RFC 6749 JSON for /oauth/token).
export class FedmetaError extends Error {
  readonly expose: boolean;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra members of the JSON error body (e.g. the list behind a refusal). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FedmetaError';
    // 503 carries our own operational message ("the database is unreachable…"), never internals.
    this.expose = status < 500 || status === 503;
  }
}

const make = (status: number, code: string) => (message: string, headers?: Record<string, string>) =>
  new FedmetaError(status, code, message, headers);

export const invalidRequest = make(400, 'invalid_request');
export const invalidBody = make(400, 'invalid_body');
export const unauthorized = make(401, 'invalid_token');
export const insufficientScope = make(403, 'insufficient_scope');
export const notFound = make(404, 'not_found');
export const keyNotFound = make(404, 'key_not_found');
export const keyStateConflict = make(409, 'key_state_conflict');
export const payloadTooLarge = make(413, 'payload_too_large');
export const unsupportedMediaType = make(415, 'unsupported_media_type');
export const tooManyRequests = make(429, 'too_many_requests');
export const serviceUnavailable = make(503, 'service_unavailable');
/** A signing key's sealed private key does not open: fail closed instead of signing with another key. */
export const keyUnavailable = make(503, 'key_unavailable');
/** The Management API never makes administrators (POST /api/v2/users with an `admin` field). */
export const adminNotAllowed = () =>
  new FedmetaError(400, 'admin_not_allowed', 'The Management API cannot create or promote administrators; use the CLI (fedmeta users add --admin, fedmeta users grant-admin EMAIL) or the dashboard');

/** RFC 6749 section 5.2 errors of the token endpoint. */
export class OAuthError extends FedmetaError {
  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
    super(status, code, description, headers);
    this.name = 'OAuthError';
  }
}
/** Strict rollover (FEDMETA_ROTATION_REQUIRE_READY): a relying party does not trust the next key yet. */
export const rolloverNotReady = (message: string, details: Record<string, unknown>) => new FedmetaError(409, 'rollover_not_ready', message, {}, details);
export const apiClientNotFound = make(404, 'api_client_not_found');
