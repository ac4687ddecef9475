// The fedmeta command line as one commander program: `serve` and `migrate`, then one group per concern
// (each a table in its own file). `fedmeta help`, `--help` on every command, `--version`.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadConfig, ConfigError } from '../config.js';
import { hostName, integer } from '../config-values.js';
import { openStore } from '../store/open.js';
import { addGroup, oneLineErrors, usageOf, type OpenServices } from './command-builder.js';
import type { CommandGroup } from './command-spec.js';
import { keysCommands } from './keys.js';
import { metadataSignerCommands } from './metadata-signer.js';
import { clientsCommands } from './clients.js';
import { usersCommands } from './users.js';
import { apiClientsCommands } from './api-clients.js';
import { logStreamsCommands } from './log-streams.js';
import type { Io } from './output.js';

/** Every command group, in the order `fedmeta --help` lists them. */
export const COMMAND_GROUPS: readonly CommandGroup[] = [keysCommands, metadataSignerCommands, clientsCommands, usersCommands, apiClientsCommands, logStreamsCommands];

/** `serve --host/--port`: where to listen instead of HOST and PORT. */
export interface ListenOverrides {
  host?: string;
  port?: number;
}

/** Starts the HTTP service and returns its exit code when it stops (src/main.ts passes it in). */
export type ServeCommand = (io: Io, listen: ListenOverrides) => Promise<number>;

const EXIT_CODES = `
Exit codes: 0 done; 1 refused or failed (one line on stderr); 2 usage error (unknown command or option,
missing argument). Every command works on the store the server uses (FEDMETA_DATABASE_URL, FEDMETA_KEK, …).
Run "fedmeta help <command>" or "fedmeta <command> <subcommand> --help" for details.`;

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** A flag value checked exactly as its environment variable is, refused as a usage error. */
function checkedLike<T>(check: (env: Record<string, string>) => T, flag: string) {
  return (value: string): T => {
    try {
      return check({ [flag]: value });
    } catch (error) {
      if (error instanceof ConfigError) throw new InvalidArgumentError(error.message.slice(`${error.variable}: `.length));
      throw error;
    }
  };
}

/** Schema only: no KEK unsealing, no keys created. Safe while instances run or start. */
async function migrate(io: Io): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config);
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  io.out(`migrated: the ${config.database.kind} schema is up to date\n`);
}

function addServerCommands(program: Command, io: Io, serve: ServeCommand, exit: (code: number) => void): void {
  const serveCommand = program
    .command('serve')
    .summary('start the HTTP service (until SIGINT or SIGTERM)')
    .description('Start the HTTP service: published documents, sign-in, the Management API and the dashboard. Stops on SIGINT or SIGTERM.')
    .addOption(new Option('--host <host>', 'listen on this address instead of HOST (default 127.0.0.1)').argParser(checkedLike((env) => hostName(env, '--host'), '--host')))
    .addOption(new Option('--port <port>', 'listen on this port instead of PORT (default 3000; 0: any free port)').argParser(checkedLike((env) => integer(env, '--port', 3000, 0, 65535), '--port')))
    .action(async (options: ListenOverrides) => exit(await serve(io, options)));
  serveCommand.usage(usageOf(serveCommand));
  oneLineErrors(serveCommand, io);
  const migrateCommand = program
    .command('migrate')
    .summary('create or upgrade the database schema (serve does it too)')
    .description('Create or upgrade the database schema, without opening keys: safe while instances run or start.')
    .action(() => migrate(io));
  oneLineErrors(migrateCommand, io);
}

/**
 * The whole program. Commander's errors and help go through `io`, and it throws instead of exiting
 * (src/cli/main.ts turns that into the exit code). `exit` receives serve's own exit code.
 */
export function buildProgram(io: Io, open: OpenServices, serve: ServeCommand, exit: (code: number) => void = () => undefined): Command {
  const program = new Command('fedmeta')
    .description('Signing keys, SAML and WS-Fed metadata and JWKS for an identity provider, with safe key rotation.')
    .usage('<command> [options]')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({ subcommandTerm: (command) => [command.name(), ...command.registeredArguments.map((arg) => (arg.required ? `<${arg.name()}>` : `[${arg.name()}]`))].join(' ') })
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .addHelpText('after', EXIT_CODES);
  oneLineErrors(program, io);
  addServerCommands(program, io, serve, exit);
  for (const group of COMMAND_GROUPS) addGroup(program, group, io, open);
  return program;
}
