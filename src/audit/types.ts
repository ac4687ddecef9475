export type ActorType = 'api_client' | 'cli' | 'system' | 'user';

export interface Actor {
  type: ActorType;
  id: string;
  ip?: string | undefined;
}

/** What happened, in our own words: every audit event fedmeta records. */
export const AUDIT_EVENT_TYPES = [
  'keys_created',
  'key_rotated',
  'key_rotated_and_revoked',
  'key_revoked',
  'key_rotation_failed',
  'key_destroyed',
  'metadata_signer_created',
  'metadata_signer_rotated',
  'rollover_acknowledged',
  'key_renewed',
  'certificate_expiring',
  'log_stream_created',
  'log_stream_updated',
  'log_stream_deleted',
  'log_stream_suspended',
  'client_created',
  'client_updated',
  'client_deleted',
  'user_created',
  'user_deleted',
  'user_admin_granted',
  'user_admin_revoked',
  'user_updated',
  'user_password_changed',
  'user_blocked',
  'user_unblocked',
  'api_client_created',
  'api_client_deleted',
  'api_client_secret_rotated',
  'login_succeeded',
  'login_failed',
  'logout',
  'sso_succeeded',
  'token_issued',
  'token_refused',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Auth0's log event type codes, for the events Auth0 logs too (GET /api/v2/logs shows these). */
const AUTH0_LOG_TYPES = {
  login_succeeded: 's',
  login_failed: 'f',
  logout: 'slo',
  sso_succeeded: 'ssa',
  token_issued: 'seccft',
  token_refused: 'feccft',
} as const satisfies Partial<Record<AuditEventType, string>>;

type Auth0LoggedEvent = keyof typeof AUTH0_LOG_TYPES;

/** The type an entry is stored and listed under: Auth0's code where Auth0 has one, else our own name. */
export type AuditLogType = Exclude<AuditEventType, Auth0LoggedEvent> | (typeof AUTH0_LOG_TYPES)[Auth0LoggedEvent];

/** The one mapping from our event names to the logged type. */
export function logType(event: AuditEventType): AuditLogType {
  return event in AUTH0_LOG_TYPES ? AUTH0_LOG_TYPES[event as Auth0LoggedEvent] : (event as Exclude<AuditEventType, Auth0LoggedEvent>);
}

/** The event a logged type stands for (undefined for a type this version does not know). */
export function eventOf(type: string): AuditEventType | undefined {
  return AUDIT_EVENT_TYPES.find((event) => logType(event) === type);
}

/** An entry to append. The store keeps any string; fedmeta's code always writes `logType(event)`. */
export interface AuditInput {
  type: AuditLogType | (string & {});
  description: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

/** One audit log entry as the Management API returns it (newest first). */
export interface AuditEntry {
  log_id: string;
  date: string;
  /** An AuditLogType, or a type written by another version of fedmeta. */
  type: string;
  description: string;
  actor: { type: ActorType; id: string };
  ip?: string;
  details: Record<string, unknown>;
}
