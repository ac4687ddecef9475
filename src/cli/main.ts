// The fedmeta commands: they work on the same store as the server; a running server serves the change
// within a second. Exit 0 on success; otherwise one clear line on stderr and a non-zero code.
// `serve` is passed in by src/main.ts (the process entry), so the CLI does not depend on the HTTP layer.
import { loadConfig, ConfigError } from '../config.js';
import { FedmetaError } from '../errors.js';
import { closeServices, openServices } from '../services.js';
import { openStore } from '../store/open.js';
import { keysCommand } from './keys.js';
import { metadataSignerCommand } from './metadata-signer.js';
import { apiClientsCommand } from './api-clients.js';
import { clientsCommand } from './clients.js';
import { usersCommand } from './users.js';
import { logStreamsCommand } from './log-streams.js';
import { processIo, UsageError, type Io } from './output.js';

const USAGE = `usage: fedmeta <command>
  serve                                   start the HTTP service
  migrate                                 create or upgrade the database schema (serve does it too)
  keys list [--json]                      list signing keys
  keys status [--json]                    rollover readiness: which applications and consumers trust the next key
  keys policy [--json]                    rotation policy: settings, next scheduled rotation and revocations
  keys rotate [--revoke-previous] [--force]  rotate (emergency: and revoke the old current key); --force: even when not ready (strict mode) or the next key is too young
  keys acknowledge CLIENT_ID [--kid KID]  confirm a manual-delivery application has the next key's certificate
  keys revoke KID [--force]               revoke a previous key (--force: before its revocable_at)
  keys show KID [--format pem|cer|rawpem|pkcs7|jwk]
  keys renew KID [--days N]               new certificate over the same key pair (same kid)
  metadata-signer show [--json | --format pem|cer]   the key that signs SAML and WS-Fed metadata
  metadata-signer rotate [--json]         replace it (SPs pinning its certificate must pin the new one)
  clients add-saml --name N --audience A --callback URL   register a SAML service provider
  clients add-saml --metadata FILE_OR_URL [--name N]     … from its SAML metadata
    … [--idp-initiated | --no-idp-initiated]             allow or refuse IdP-initiated sign-in (default: allowed unless the SP signs its requests)
  clients add-wsfed --name N --realm R --callback URL    register a WS-Federation relying party
    … [--certificate-delivery metadata|manual]           add-saml / add-wsfed: how it gets our certificates (default metadata)
  clients list [--json]
  users add EMAIL [--name N] [--admin]    create a user; the password is read from stdin
  users grant-admin EMAIL                 make a user a dashboard administrator
  users revoke-admin EMAIL                remove a user's administrator role
  users list [--q Q] [--page N] [--per-page N] [--json]  list or search users (Auth0's q: email:"a@b.c", name:ann*, blocked:true …)
  users show EMAIL_OR_ID [--json]         one user (never their password hash)
  users set-password EMAIL                new password from stdin; ends the user's sessions
  users block EMAIL | unblock EMAIL       block (ends their sessions, refuses sign-in) or allow again
  users remove EMAIL --yes                delete a user and end their sessions
  api-clients add --name N --scopes "…"  create a Management API client (secret printed once)
  api-clients list [--json]               list Management API clients (never their secrets)
  api-clients remove ID                   delete a client: its secret and tokens stop working at once
  api-clients rotate-secret ID [--json]   new secret (printed once); the old one and its tokens stop working
  log-streams add --name N --endpoint URL [--authorization V] [--format JSONARRAY|JSONLINES] [--category C …] [--json]
                                          stream the audit log to an endpoint (signing secret printed once)
  log-streams list [--json]               streams, their status and why a suspended one stopped
  log-streams remove ID                   delete a stream
`;

const COMMANDS = { keys: keysCommand, 'metadata-signer': metadataSignerCommand, 'api-clients': apiClientsCommand, clients: clientsCommand, users: usersCommand, 'log-streams': logStreamsCommand } as const;

/** Schema only: no KEK unsealing, no keys created. Safe while instances run or start. */
async function migrate(args: string[], io: Io): Promise<number> {
  if (args.length > 0) throw new UsageError('usage: fedmeta migrate');
  const config = loadConfig();
  const store = await openStore(config);
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  io.out(`migrated: the ${config.database.kind} schema is up to date\n`);
  return 0;
}

/** Starts the HTTP service and returns its exit code when it stops. */
export type ServeCommand = (io: Io) => Promise<number>;

export async function runCli(argv: string[], serve: ServeCommand, io: Io = processIo): Promise<number> {
  const [command, ...args] = argv;
  try {
    if (command === 'serve') return await serve(io);
    if (command === 'migrate') return await migrate(args, io);
    if (command !== undefined && command in COMMANDS) {
      const services = await openServices({ config: loadConfig() });
      try {
        for (const warning of services.warnings) io.err(`fedmeta: warning: ${warning}\n`);
        return await COMMANDS[command as keyof typeof COMMANDS](args, services, io);
      } finally {
        await closeServices(services);
      }
    }
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${command}"; run fedmeta help`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`fedmeta: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof FedmetaError) {
      io.err(`fedmeta: ${error.message}\n`);
      return 1;
    }
    io.err(`fedmeta: ${(error as Error).message ?? String(error)}\n`);
    return 1;
  }
}
