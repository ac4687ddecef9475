// fedmeta api-clients add|list|remove|rotate-secret: Management API clients; a secret is printed once.
import type { Services } from '../services.js';
import { hashSecret } from '../auth/passwords.js';
import { MANAGEMENT_SCOPES, parseScopes, unknownScopes } from '../auth/scopes.js';
import { cliActor, table, UsageError } from './output.js';
import { listApiClients, removeApiClient, rotateApiClientSecret } from '../auth/api-clients.js';
import { command, type CommandGroup } from './command-spec.js';

const CLIENT_ID = ['<client_id>', 'the Management API client (api-clients list shows it)'] as const;

async function addApiClient(services: Services, options: { name?: string; scopes?: string }) {
  const scopes = parseScopes(options.scopes ?? '');
  if (scopes.length === 0) throw new UsageError(`--scopes is required; choose from: ${MANAGEMENT_SCOPES.join(' ')}`);
  const unknown = unknownScopes(scopes);
  if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(' ')}; choose from: ${MANAGEMENT_SCOPES.join(' ')}`);
  const name = (options.name ?? 'Management API client').trim();
  if (name.length === 0 || name.length > 200) throw new UsageError('--name must be 1 to 200 characters');
  const clientId = services.ids.clientId();
  const clientSecret = services.ids.secret();
  await services.store.createApiClient(
    { clientId, name, secretHash: await hashSecret(clientSecret), scopes, createdAt: services.clock.now(), secretVersion: 1 },
    { event: 'api_client_created', description: `Created Management API client "${name}"`, actor: cliActor(), details: { client_id: clientId, scopes } },
  );
  return { client_id: clientId, client_secret: clientSecret, name, scopes };
}

export const apiClientsCommands: CommandGroup = {
  name: 'api-clients',
  summary: 'Management API clients (client credentials for /oauth/token)',
  commands: [
    command<{ name?: string; scopes?: string }>({
      name: 'add',
      summary: 'create a Management API client; its secret is printed once',
      options: [
        ['--name <name>', 'display name (default "Management API client")'],
        ['--scopes <scopes>', `space-separated, from: ${MANAGEMENT_SCOPES.join(' ')}`],
      ],
      json: '{ client_id, client_secret, name, scopes }',
      run: async ({ options, services, io, print }) => {
        const created = await addApiClient(services, options);
        print(created, () => `client_id:     ${created.client_id}\nclient_secret: ${created.client_secret}\nscopes:        ${created.scopes.join(' ')}\n`);
        if (!options.json) io.err('The client secret is shown only this once; store it now.\n');
      },
    }),
    command({
      name: 'list',
      summary: 'list the Management API clients (never their secrets)',
      json: 'the clients: client_id, name, scopes, created_at',
      run: async ({ services, print }) => {
        const clients = await listApiClients(services.store);
        print(clients, () => table([['CLIENT_ID', 'NAME', 'CREATED', 'SCOPES'], ...clients.map((c) => [c.client_id, c.name, c.created_at, c.scopes.join(' ')])]));
      },
    }),
    command({
      name: 'remove',
      summary: 'delete a client: its secret and access tokens stop working at once',
      arguments: [CLIENT_ID],
      json: '{ client_id, removed: true }',
      run: async ({ args, services, print }) => {
        await removeApiClient(services, args[0]!, cliActor());
        print({ client_id: args[0], removed: true }, () => `removed: ${args[0]} (its secret and access tokens no longer work)\n`);
      },
    }),
    command({
      name: 'rotate-secret',
      summary: 'a new secret (printed once); the old one and its access tokens stop working',
      arguments: [CLIENT_ID],
      json: '{ client_id, client_secret }',
      run: async ({ args, options, services, io, print }) => {
        const { client, clientSecret } = await rotateApiClientSecret(services, args[0]!, cliActor());
        print({ client_id: client.client_id, client_secret: clientSecret }, () => `client_id:     ${client.client_id}\nclient_secret: ${clientSecret}\n`);
        if (!options.json) io.err('The new client secret is shown only this once; the old secret and its access tokens no longer work.\n');
      },
    }),
  ],
};
