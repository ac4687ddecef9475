// The fedmeta commands: they work on the same store as the server; a running server serves the change
// within a second. Exit 0 on success; 1 when refused or failed, 2 on a usage error, each with one line
// on stderr. `serve` is passed in by src/main.ts (the process entry), so the CLI does not depend on the
// HTTP layer. The commands themselves are declared in src/cli/program.ts and the group files.
import { CommanderError } from 'commander';
import { loadConfig } from '../config.js';
import { FedmetaError } from '../errors.js';
import { closeServices, openServices } from '../services.js';
import type { Services } from '../services.js';
import { buildProgram, type ServeCommand } from './program.js';
import { kidsAsPositionals, processIo, UsageError, type Io } from './output.js';

export type { ListenOverrides, ServeCommand } from './program.js';

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ').trim();

/** `fedmeta help keys rotate` is `fedmeta keys rotate --help` (commander's help command goes one level deep). */
function commandLine(argv: string[]): string[] {
  const args = argv[0] === 'help' && argv.length > 2 ? [...argv.slice(1), '--help'] : argv;
  return kidsAsPositionals(args);
}

function exitCode(error: unknown, io: Io): number {
  // Commander has already printed its help or its one-line error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError) {
    io.err(`fedmeta: ${oneLine(error.message)}\n`);
    return 2;
  }
  if (error instanceof FedmetaError) {
    io.err(`fedmeta: ${oneLine(error.message)} (${error.code})\n`);
    return 1;
  }
  io.err(`fedmeta: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
  return 1;
}

export async function runCli(argv: string[], serve: ServeCommand, io: Io = processIo): Promise<number> {
  const open = async () => {
    const services = await openServices({ config: loadConfig() });
    for (const warning of services.warnings) io.err(`fedmeta: warning: ${warning}\n`);
    return { services, close: () => closeServices(services) };
  };
  let code = 0;
  try {
    await buildProgram(io, open, serve, (served) => (code = served)).parseAsync(commandLine(argv), { from: 'user' });
    return code;
  } catch (error) {
    return exitCode(error, io);
  }
}

/**
 * One command on services that are already open (tests run the CLI's code in-process this way). A
 * refusal is thrown, not turned into an exit code.
 */
export async function runCommand(argv: string[], services: Services, io: Io): Promise<void> {
  const refuseServe: ServeCommand = () => Promise.reject(new UsageError('serve is not available in-process'));
  await buildProgram(io, async () => ({ services, close: async () => undefined }), refuseServe).parseAsync(commandLine(argv), { from: 'user' });
}
