// Management API clients: list, remove, rotate secret. One code path for the CLI, the Management
// API and the dashboard, so each change is audited the same way. Secrets are returned once, at
// creation or rotation; hashes never leave the store.
import type { ApiClientRecord, ApiClientStore } from './api-client-store.js';
import type { Clock } from '../clock.js';
import { type Actor } from '../audit/types.js';
import type { Ids } from '../ids.js';
import { apiClientNotFound } from '../errors.js';
import { hashSecret } from './passwords.js';

/** What may be shown of a client: never the secret hash. */
export function apiClientView(client: ApiClientRecord) {
  return {
    client_id: client.clientId,
    name: client.name,
    scopes: client.scopes,
    created_at: client.createdAt.toISOString(),
    secret_version: client.secretVersion,
  };
}

export type ApiClientView = ReturnType<typeof apiClientView>;

export async function listApiClients(store: Pick<ApiClientStore, 'listApiClients'>): Promise<ApiClientView[]> {
  return (await store.listApiClients()).map(apiClientView);
}

/** Deletes the client: its secret and every access token it holds stop working at once. */
export async function removeApiClient(deps: { store: Pick<ApiClientStore, 'deleteApiClient'>; clock: Clock }, clientId: string, actor: Actor): Promise<void> {
  const removed = await deps.store.deleteApiClient(
    clientId,
    { event: 'api_client_deleted', description: `Deleted Management API client ${clientId}`, actor, details: { client_id: clientId } },
    deps.clock.now(),
  );
  if (!removed) throw apiClientNotFound(`No Management API client with client_id "${clientId}"`);
}

/** A new secret (returned once); the old secret and every token issued before stop working at once. */
export async function rotateApiClientSecret(
  deps: { store: Pick<ApiClientStore, 'rotateApiClientSecret'>; clock: Clock; ids: Pick<Ids, 'secret'> },
  clientId: string,
  actor: Actor,
): Promise<{ client: ApiClientView; clientSecret: string }> {
  const clientSecret = deps.ids.secret();
  const secretHash = await hashSecret(clientSecret);
  const updated = await deps.store.rotateApiClientSecret(
    clientId,
    secretHash,
    { event: 'api_client_secret_rotated', description: `Rotated the secret of Management API client ${clientId}`, actor, details: { client_id: clientId } },
    deps.clock.now(),
  );
  if (!updated) throw apiClientNotFound(`No Management API client with client_id "${clientId}"`);
  return { client: apiClientView(updated), clientSecret };
}
