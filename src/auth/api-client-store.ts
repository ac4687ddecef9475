// The Management API clients port: client-credentials clients of /oauth/token.
import type { AuditInput } from '../audit/types.js';

export interface ApiClientRecord {
  clientId: string;
  name: string;
  /** scrypt hash (auth/passwords.ts); the secret itself is never stored. */
  secretHash: string;
  scopes: string[];
  createdAt: Date;
  /** Starts at 1; every secret rotation adds 1. Access tokens carry it (claim "cv") and must match. */
  secretVersion: number;
}

export interface ApiClientStore {
  createApiClient(client: ApiClientRecord, audit: AuditInput): Promise<void>;
  findApiClient(clientId: string): Promise<ApiClientRecord | undefined>;
  /** Every Management API client, oldest first. */
  listApiClients(): Promise<ApiClientRecord[]>;
  /** false when there is no such client (nothing audited then). */
  deleteApiClient(clientId: string, audit: AuditInput, now: Date): Promise<boolean>;
  /** Replace the secret hash and add 1 to secretVersion; the updated client, or undefined when there is none. */
  rotateApiClientSecret(clientId: string, secretHash: string, audit: AuditInput, now: Date): Promise<ApiClientRecord | undefined>;
}
