// How a CLI command is declared: each command group (src/cli/keys.ts, clients.ts, users.ts, …) is one
// table of these, and src/cli/program.ts turns the tables into the commander program. Adding a command
// is adding one entry: its name and arguments, a summary, its options, and what it runs.
import { Option } from 'commander';
import type { Services } from '../services.js';
import type { Io } from './output.js';

/** What a command's `run` receives: its arguments in order, its options, the services and the output. */
export interface CommandCall<O> {
  args: string[];
  options: O & { json?: boolean };
  services: Services;
  io: Io;
  /** Prints `value` as JSON with --json, otherwise the human form (a function, so it is built only when needed). */
  print: (value: unknown, human: () => string) => void;
}

/** An argument as `<name>` (required) or `[name]` (optional), with the text `--help` shows for it. */
export type ArgumentSpec = readonly [name: string, description: string];

/** An option as commander flags and a description, or a commander Option for choices, conflicts, mandatory. */
export type OptionSpec = readonly [flags: string, description: string] | Option;

export interface CommandSpec<O = Record<string, unknown>> {
  /** The subcommand's name, e.g. `revoke`. */
  name: string;
  /** One line for the group's command list and the top of this command's help. */
  summary: string;
  /** More text for this command's `--help`, after the option list. */
  details?: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  /** What `--json` prints (every group command accepts it); shown in `--help`. */
  json: string;
  run: (call: CommandCall<O>) => Promise<void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: readonly CommandSpec[];
}

/** Declares a command with the type of its options (commander's camelCase keys). */
export function command<O>(spec: CommandSpec<O>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** A repeatable option (`--callback A --callback B`): its values in order. */
export function repeatable(flags: string, description: string): Option {
  return new Option(flags, `${description} (repeatable)`).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
}

/** An option that must be given. */
export function required(flags: string, description: string): Option {
  return new Option(flags, description).makeOptionMandatory();
}
