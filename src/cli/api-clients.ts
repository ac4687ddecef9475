// fedmeta api-clients add --name N --scopes "…": a Management API client; the secret is printed once.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { hashSecret } from '../auth/passwords.js';
import { MANAGEMENT_SCOPES, parseScopes, unknownScopes } from '../auth/scopes.js';
import { UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';
import { logType } from '../audit/types.js';

export async function apiClientsCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new UsageError('usage: fedmeta api-clients add --name N --scopes "read:signing_keys …" [--json]');
  const { values } = parseArgs({
    args: rest,
    strict: true,
    options: { name: { type: 'string' }, scopes: { type: 'string' }, json: { type: 'boolean' } },
  });
  const scopes = parseScopes(values.scopes ?? '');
  if (scopes.length === 0) throw new UsageError(`--scopes is required; choose from: ${MANAGEMENT_SCOPES.join(' ')}`);
  const unknown = unknownScopes(scopes);
  if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(' ')}; choose from: ${MANAGEMENT_SCOPES.join(' ')}`);
  const name = (values.name ?? 'Management API client').trim();
  if (name.length === 0 || name.length > 200) throw new UsageError('--name must be 1 to 200 characters');
  const clientId = services.ids.clientId();
  const clientSecret = services.ids.secret();
  const now = services.clock.now();
  await services.store.createApiClient(
    { clientId, name, secretHash: await hashSecret(clientSecret), scopes, createdAt: now },
    { type: logType('api_client_created'), description: `Created Management API client "${name}"`, actor: cliActor(), details: { client_id: clientId, scopes } },
  );
  if (values.json) {
    io.out(`${JSON.stringify({ client_id: clientId, client_secret: clientSecret, name, scopes })}\n`);
  } else {
    io.out(`client_id:     ${clientId}\nclient_secret: ${clientSecret}\nscopes:        ${scopes.join(' ')}\n`);
    io.err('The client secret is shown only this once; store it now.\n');
  }
  return 0;
}
