// The applications port (SAML service providers and WS-Fed relying parties). Every change bumps the
// `clients` change counter and writes its audit entry in the same transaction.
import type { AuditInput } from '../audit/types.js';
import type { Application } from './types.js';

/** The `clients` change counter (store/store.ts ChangeFeed): an instance reloads its applications when it moves. */
export interface ApplicationsVersion {
  versions(): Promise<{ clients: number }>;
}

export interface ApplicationStore {
  listApplications(): Promise<Application[]>;
  getApplication(clientId: string): Promise<Application | undefined>;
  findApplicationByAudience(audience: string): Promise<Application | undefined>;
  findApplicationByRealm(realm: string): Promise<Application | undefined>;
  /** Insert or replace; 409 when another application has the same SAML audience or WS-Fed realm. */
  saveApplication(app: Application, audit: AuditInput): Promise<void>;
  deleteApplication(clientId: string, audit: AuditInput, now: Date): Promise<boolean>;
}
