// Pure: what an audit entry is filed under (user_id, client_id: stored columns, so queries use an
// index) and the Auth0-shaped log entry the Management API and log streams show.
import { auth0Code, type AuditEventType } from './event-types.js';
import type { ActorType, AuditEntry, AuditInput } from './types.js';

/**
 * Failed and blocked sign-ins: the actor id is the name typed at the form (shown as user_name); the
 * user it names, when there is one, is `details.user_id`.
 */
const TYPED_NAME_EVENTS: ReadonlySet<string> = new Set<AuditEventType>(['login_failed', 'login_unknown_user', 'login_blocked_account', 'login_blocked_ip']);

export interface FiledUnder {
  userId: string | null;
  clientId: string | null;
}

/** user_id: the user who acted or signed in; client_id: the API client that acted, else the application concerned. */
export function filedUnder(entry: AuditInput): FiledUnder {
  const { actor, details } = entry;
  const named = (key: string) => (typeof details?.[key] === 'string' ? (details[key] as string) : null);
  const userId = TYPED_NAME_EVENTS.has(entry.event) ? named('user_id') : actor.type === 'user' ? actor.id : null;
  const detailClient = named('client_id');
  return { userId, clientId: actor.type === 'api_client' ? actor.id : detailClient };
}

/** A stored entry, as both backends read it. */
export interface StoredAudit {
  id: string;
  at: Date;
  event: string;
  description: string;
  actorType: ActorType;
  actorId: string;
  ip: string | null;
  userId: string | null;
  clientId: string | null;
  details: Record<string, unknown>;
}

export function toLogEntry(stored: StoredAudit): AuditEntry {
  const typedName = TYPED_NAME_EVENTS.has(stored.event);
  return {
    log_id: stored.id,
    date: stored.at.toISOString(),
    type: auth0Code(stored.event),
    event: stored.event,
    description: stored.description,
    ...(stored.ip ? { ip: stored.ip } : {}),
    ...(stored.userId ? { user_id: stored.userId } : {}),
    ...(typedName ? { user_name: stored.actorId } : {}),
    ...(stored.clientId ? { client_id: stored.clientId } : {}),
    actor: { type: stored.actorType, id: stored.actorId },
    details: stored.details,
  };
}
