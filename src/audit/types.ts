import type { AuditEventType } from './event-types.js';

export type ActorType = 'api_client' | 'cli' | 'system' | 'user';

export interface Actor {
  type: ActorType;
  id: string;
  ip?: string | undefined;
}

/** An entry to append: one of the closed list of events (src/audit/event-types.ts). */
export interface AuditInput {
  event: AuditEventType;
  description: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

/**
 * One audit log entry in Auth0's log shape (GET /api/v2/logs, log streams): `type` is Auth0's event
 * type code, `user_id` the user who acted or signed in, `user_name` the name typed at a failed sign-in,
 * `client_id` the Management API client that acted or the application concerned. fedmeta adds `event`
 * (its own name, finer than Auth0's codes) and `actor`.
 */
export interface AuditEntry {
  log_id: string;
  date: string;
  type: string;
  event: string;
  description: string;
  ip?: string;
  user_id?: string;
  user_name?: string;
  client_id?: string;
  actor: { type: ActorType; id: string };
  details: Record<string, unknown>;
}
