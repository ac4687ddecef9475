// The CLI's commands as the commander program declares them, so tests that cover "every command" cover
// a new one as soon as it is declared.
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { captureIo } from './server.js';

export const program = buildProgram(captureIo(), () => Promise.reject(new Error('no services here')), () => Promise.resolve(0));

/** Every command and subcommand, as argument lists: ['serve'], ['keys'], ['keys', 'list'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.flatMap((sub) => [[...prefix, sub.name()], ...commandPaths(sub, [...prefix, sub.name()])]);
}

export const byPath = (path: string[]): Command => path.reduce<Command>((command, name) => command.commands.find((sub) => sub.name() === name)!, program);
export const COMMAND_PATHS = commandPaths(program);
/** Commands that run something (no subcommands). */
export const LEAF_COMMANDS = COMMAND_PATHS.filter((path) => byPath(path).commands.length === 0);
export const GROUP_COMMANDS = COMMAND_PATHS.filter((path) => byPath(path).commands.length > 0);
/** The commands that accept --json, as "keys list". */
export const JSON_COMMANDS = LEAF_COMMANDS.filter((path) => byPath(path).options.some((option) => option.long === '--json')).map((path) => path.join(' '));
