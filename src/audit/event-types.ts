// Every audit event fedmeta records, as one closed table: our own name (stored), Auth0's log event type
// code (https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes; what GET /api/v2/logs and log
// streams show as `type`), the name the dashboard shows, and the log-stream category. The ONE mapping.

/** Log-stream filter categories (src/log-streams/). */
export const AUDIT_CATEGORIES = ['keys', 'sign_in', 'management'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

interface EventInfo {
  code: string;
  name: string;
  category: AuditCategory;
}

const keys = (name: string, code = 'sapi') => ({ code, name, category: 'keys' }) as const;
const managed = (name: string, code = 'sapi') => ({ code, name, category: 'management' }) as const;
const signIn = <C extends string>(code: C, name: string) => ({ code, name, category: 'sign_in' }) as const;

/**
 * Changes made through the Management API, the dashboard, the CLI or the schedulers are Auth0's
 * "Success API Operation" (`sapi`), a refused key change "Failed API Operation" (`fapi`); deleting a
 * user is `sdu`, changing a password `scp`. Sign-ins, sign-outs, token exchanges and throttles take Auth0's own codes.
 */
export const AUDIT_EVENTS = {
  keys_created: keys('Signing keys created'),
  key_rotated: keys('Key rotated'),
  key_rotated_and_revoked: keys('Emergency rotation (previous key revoked)'),
  key_revoked: keys('Key revoked'),
  key_rotation_failed: keys('Key rotation refused', 'fapi'),
  key_destroyed: keys('Private key destroyed'),
  key_renewed: keys('Certificate renewed'),
  certificate_expiring: keys('Certificate expiring', 'fapi'),
  metadata_signer_created: keys('Metadata-signing key created'),
  metadata_signer_rotated: keys('Metadata-signing key rotated'),
  rollover_acknowledged: keys('Rollover acknowledged'),
  log_stream_created: managed('Log stream created'),
  log_stream_updated: managed('Log stream updated'),
  log_stream_deleted: managed('Log stream deleted'),
  log_stream_suspended: managed('Log stream suspended', 'fapi'),
  client_created: managed('Application created'),
  client_updated: managed('Application updated'),
  client_deleted: managed('Application deleted'),
  user_created: managed('User created'),
  user_deleted: managed('User deleted', 'sdu'),
  user_admin_granted: managed('Administrator role granted'),
  user_admin_revoked: managed('Administrator role removed'),
  user_updated: managed('User updated'),
  user_password_changed: managed('Password changed', 'scp'),
  user_blocked: managed('User blocked'),
  user_unblocked: managed('User unblocked'),
  api_client_created: managed('API client created'),
  api_client_deleted: managed('API client deleted'),
  api_client_secret_rotated: managed('API client secret rotated'),
  login_succeeded: signIn('s', 'Sign-in'),
  login_failed: signIn('fp', 'Failed sign-in: incorrect password'),
  login_unknown_user: signIn('fu', 'Failed sign-in: unknown email'),
  login_blocked_user: signIn('f', 'Failed sign-in: account blocked'),
  login_blocked_account: signIn('limit_wc', 'Sign-ins blocked: too many for one account'),
  login_blocked_ip: signIn('limit_mu', 'Sign-ins blocked: too many from one address'),
  sso_succeeded: signIn('s', 'Signed in to an application'),
  logout: signIn('slo', 'Sign-out'),
  token_issued: signIn('seccft', 'Access token issued'),
  token_refused: signIn('feccft', 'Access token refused'),
  token_blocked: signIn('api_limit', 'Token requests blocked: too many failures'),
} as const satisfies Record<string, EventInfo>;

export type AuditEventType = keyof typeof AUDIT_EVENTS;
/** The Auth0 log event type codes fedmeta writes. */
export type Auth0LogCode = (typeof AUDIT_EVENTS)[AuditEventType]['code'];

export const AUDIT_EVENT_TYPES = Object.keys(AUDIT_EVENTS) as AuditEventType[];

export function isAuditEvent(name: string): name is AuditEventType {
  return Object.hasOwn(AUDIT_EVENTS, name);
}

/** The events logged under an Auth0 code, or the event of that name: `sapi` → [key_rotated, …]; `key_rotated` → [key_rotated]. */
export function eventsOfType(type: string): AuditEventType[] {
  if (isAuditEvent(type)) return [type];
  return AUDIT_EVENT_TYPES.filter((event) => AUDIT_EVENTS[event].code === type);
}

/** Auth0's code for a stored event name; a name this version does not know is shown as it is. */
export function auth0Code(event: string): string {
  return isAuditEvent(event) ? AUDIT_EVENTS[event].code : event;
}

/** The dashboard's name for a stored event: `key_rotated` → "Key rotated"; an unknown one, spelled out. */
export function eventName(event: string): string {
  if (isAuditEvent(event)) return AUDIT_EVENTS[event].name;
  const words = event.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The log-stream category of a stored event (unknown events count as management). */
export function eventCategory(event: string): AuditCategory {
  return isAuditEvent(event) ? AUDIT_EVENTS[event].category : 'management';
}
