export type ActorType = 'api_client' | 'cli' | 'system' | 'user';

export interface Actor {
  type: ActorType;
  id: string;
  ip?: string | undefined;
}

export interface AuditInput {
  type: string;
  description: string;
  actor: Actor;
  details?: Record<string, unknown>;
}

/** One audit log entry as the Management API returns it (newest first). */
export interface AuditEntry {
  log_id: string;
  date: string;
  type: string;
  description: string;
  actor: { type: ActorType; id: string };
  ip?: string;
  details: Record<string, unknown>;
}
