// Every error fedmeta raises: one base class with an HTTP status and a code from the closed ErrorCode
// union, a factory per code, and the two refusals that carry more (bad XML, a refused SAML request).
// The error middleware (src/http/errors.ts) maps them to each surface's format; nothing re-wraps them.
import type { ErrorCode, SamlRequestErrorCode, SpMetadataErrorCode, WsfedErrorCode, XmlErrorCode } from './error-codes.js';
import type { SamlStatus } from './saml/status.js';

export type { ErrorCode } from './error-codes.js';

type Headers = Record<string, string>;

export class FedmetaError extends Error {
  readonly expose: boolean;
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Headers = {},
    /** Extra members of the JSON error body (e.g. revocable_at, or the list behind a refusal). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'FedmetaError';
    // 503 carries our own operational message ("the database is unreachable…"), never internals.
    this.expose = status < 500 || status === 503;
  }
}

const make = (status: number, code: ErrorCode) => (message: string, headers?: Headers) =>
  new FedmetaError(status, code, message, headers);

// 4xx: the request, its credentials or the state it asks to change.
export const invalidRequest = make(400, 'invalid_request');
export const invalidBody = make(400, 'invalid_body');
/** Auth0's code for a search `q` outside the subset we read (users/query.ts, audit/log-query.ts). */
export const invalidQueryString = make(400, 'invalid_query_string');
/** The Management API never makes administrators (POST /api/v2/users with an `admin` field). */
export const adminNotAllowed = () =>
  new FedmetaError(400, 'admin_not_allowed', 'The Management API cannot create or promote administrators; use the CLI (fedmeta users add --admin, fedmeta users grant-admin EMAIL) or the dashboard');
export const loginExpired = () =>
  new FedmetaError(400, 'login_expired', 'This sign-in has expired. Go back to the application and start again.');
export const unauthorized = make(401, 'invalid_token');
export const insufficientScope = make(403, 'insufficient_scope');
export const csrfRejected = make(403, 'csrf_rejected');
export const idpInitiatedDisabled = make(403, 'idp_initiated_disabled');
export const notFound = make(404, 'not_found');
export const keyNotFound = make(404, 'key_not_found');
export const apiClientNotFound = make(404, 'api_client_not_found');
export const logStreamNotFound = make(404, 'log_stream_not_found');
export const logNotFound = make(404, 'log_not_found');
export const methodNotAllowed = make(405, 'method_not_allowed');
export const conflict = make(409, 'conflict');
export const keyStateConflict = make(409, 'key_state_conflict');
/** A previous key whose signatures may still be accepted (details carry revocable_at). */
export const keyStillInUse = (message: string, details: { revocable_at: string }) => new FedmetaError(409, 'key_still_in_use', message, {}, details);
/** A manual rotation while the next key is younger than FEDMETA_NEXT_MIN_AGE (details carry rotatable_at). */
export const nextKeyTooYoung = (message: string, details: { rotatable_at: string }) => new FedmetaError(409, 'next_key_too_young', message, {}, details);
/** 409: an administrator removing their own role (the dashboard could be left with none). */
export const ownAdminRole = () =>
  new FedmetaError(409, 'cannot_remove_own_admin', 'You cannot remove your own administrator role; ask another administrator.');
/** 409: an administrator blocking or removing their own account in the dashboard (they would be locked out). */
export const ownAccount = (what: string) =>
  new FedmetaError(409, 'cannot_change_own_account', `You cannot ${what} your own account; ask another administrator.`);
export const payloadTooLarge = make(413, 'payload_too_large');
export const unsupportedMediaType = make(415, 'unsupported_media_type');
export const tooManyRequests = make(429, 'too_many_requests');

// The token endpoint's own codes (RFC 6749 section 5.2).
export const invalidClient = make(401, 'invalid_client');
export const unsupportedGrantType = make(400, 'unsupported_grant_type');
export const invalidScope = make(400, 'invalid_scope');
export const accessDenied = make(403, 'access_denied');
export const temporarilyUnavailable = make(503, 'temporarily_unavailable');

// 5xx: our side.
export const internalError = make(500, 'internal_error');
export const keySetCorrupt = make(500, 'key_set_corrupt');
export const keySetIncomplete = make(500, 'key_set_incomplete');
export const keyExists = make(500, 'key_exists');
export const spCertificateInvalid = make(500, 'saml_sp_certificate_invalid');
export const serviceUnavailable = make(503, 'service_unavailable');
/** A signing key's sealed private key does not open: fail closed instead of signing with another key. */
export const keyUnavailable = make(503, 'key_unavailable');

/** A refused WS-Fed passive request: a 400 page, never a redirect or a post. */
export const wsfedError = (code: WsfedErrorCode, message: string) => new FedmetaError(400, code, message);

/** SP metadata refused at registration for a reason of its own (a 400, like invalid_body). */
export const spMetadataError = (code: SpMetadataErrorCode, message: string) => new FedmetaError(400, code, message);

/** Untrusted XML refused before or after parsing (DTDs, entities, bad signatures…): always 400. */
export class XmlError extends FedmetaError {
  constructor(
    override readonly code: XmlErrorCode,
    message: string,
  ) {
    super(400, code, message);
    this.name = 'XmlError';
  }
}

/**
 * A refused SAML message. Without `samlStatus` it is a plain 400 page: the sender or its ACS cannot be
 * trusted. With `samlStatus` (and `responseUrl`, always a registered URL of the application) the
 * HTTP layer answers with a SAML response carrying that status, InResponseTo `inResponseTo`.
 */
export class SamlRequestError extends FedmetaError {
  constructor(
    override readonly code: SamlRequestErrorCode,
    message: string,
    readonly samlStatus?: SamlStatus,
    readonly responseUrl?: string,
    readonly inResponseTo?: string,
  ) {
    super(400, code, message);
    this.name = 'SamlRequestError';
  }
}

/** Strict rollover (FEDMETA_ROTATION_REQUIRE_READY): a relying party does not trust the next key yet. */
export const rolloverNotReady = (message: string, details: Record<string, unknown>) => new FedmetaError(409, 'rollover_not_ready', message, {}, details);
