// fedmeta api-clients add --name N --scopes "…": a Management API client; the secret is printed once.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { hashSecret } from '../auth/passwords.js';
import { MANAGEMENT_SCOPES, parseScopes, unknownScopes } from '../auth/scopes.js';
import { table, UsageError, type Io } from './output.js';
import { listApiClients, removeApiClient, rotateApiClientSecret } from '../auth/api-clients.js';
import { cliActor } from './keys.js';

const USAGE = 'usage: fedmeta api-clients add --name N --scopes "read:signing_keys …" [--json] | list [--json] | remove ID | rotate-secret ID [--json]';

async function listCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean' } } });
  const clients = await listApiClients(services.store);
  if (values.json) {
    io.out(`${JSON.stringify(clients, null, 2)}\n`);
  } else {
    io.out(table([['CLIENT_ID', 'NAME', 'CREATED', 'SCOPES'], ...clients.map((c) => [c.client_id, c.name, c.created_at, c.scopes.join(' ')])]));
  }
  return 0;
}

function clientIdArgument(args: string[], usage: string, json = false): { clientId: string; json: boolean } {
  const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: json ? { json: { type: 'boolean' } } : {} });
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(usage);
  return { clientId: positionals[0], json: Boolean((values as { json?: boolean }).json) };
}

async function removeCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { clientId } = clientIdArgument(args, 'usage: fedmeta api-clients remove ID');
  await removeApiClient(services, clientId, cliActor());
  io.out(`removed: ${clientId} (its secret and access tokens no longer work)\n`);
  return 0;
}

async function rotateCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { clientId, json } = clientIdArgument(args, 'usage: fedmeta api-clients rotate-secret ID [--json]', true);
  const { client, clientSecret } = await rotateApiClientSecret(services, clientId, cliActor());
  if (json) {
    io.out(`${JSON.stringify({ client_id: client.client_id, client_secret: clientSecret })}\n`);
  } else {
    io.out(`client_id:     ${client.client_id}\nclient_secret: ${clientSecret}\n`);
    io.err('The new client secret is shown only this once; the old secret and its access tokens no longer work.\n');
  }
  return 0;
}

export async function apiClientsCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return listCommand(rest, services, io);
  if (sub === 'remove') return removeCommand(rest, services, io);
  if (sub === 'rotate-secret') return rotateCommand(rest, services, io);
  if (sub !== 'add') throw new UsageError(USAGE);
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
    { clientId, name, secretHash: await hashSecret(clientSecret), scopes, createdAt: now, secretVersion: 1 },
    { event: 'api_client_created', description: `Created Management API client "${name}"`, actor: cliActor(), details: { client_id: clientId, scopes } },
  );
  if (values.json) {
    io.out(`${JSON.stringify({ client_id: clientId, client_secret: clientSecret, name, scopes })}\n`);
  } else {
    io.out(`client_id:     ${clientId}\nclient_secret: ${clientSecret}\nscopes:        ${scopes.join(' ')}\n`);
    io.err('The client secret is shown only this once; store it now.\n');
  }
  return 0;
}
