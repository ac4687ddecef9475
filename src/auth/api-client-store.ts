// The Management API clients port: client-credentials clients of /oauth/token.
import type { AuditInput } from '../audit/types.js';

export interface ApiClientRecord {
  clientId: string;
  name: string;
  /** scrypt hash (auth/passwords.ts); the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
}

export interface ApiClientStore {
  createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void>;
  findApiClient(clientId: string): Promise<ApiClientRecord | undefined>;
}
