// Turns the declared command groups (command-spec.ts) into commander commands: arguments and options
// with their help texts, `--json` on every group command, a usage line that lists the options, and
// errors on one line that end with that usage.
import { type Command, type Option } from 'commander';
import type { Services } from '../services.js';
import type { CommandGroup, CommandSpec } from './command-spec.js';
import { UsageError, type Io } from './output.js';

/** Opens the services a group command runs on, and closes them after it. */
export type OpenServices = () => Promise<{ services: Services; close: () => Promise<void> }>;

/** `fedmeta keys revoke`: the command's full name. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

function optionUsage(option: Option): string {
  const flags = option.long ?? option.short ?? option.flags;
  const value = /[<[].*$/.exec(option.flags)?.[0];
  const repeat = option.description.endsWith('(repeatable)') ? ' …' : '';
  const text = value ? `${flags} ${value}${repeat}` : flags;
  return option.mandatory ? text : `[${text}]`;
}

/** The arguments, then every option: `<kid> [--force] [--json]`. */
export function usageOf(command: Command): string {
  const args = command.registeredArguments.map((arg) => (arg.required ? `<${arg.name()}>` : `[${arg.name()}]`));
  return [...args, ...command.options.filter((option) => !option.hidden).map(optionUsage)].join(' ');
}

/** Commander's "error: …" (and its "(Did you mean …?)" line) as one line, followed by the usage. */
function errorLine(command: Command, text: string): string {
  const message = text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
  return `fedmeta: ${message}; usage: ${commandPath(command)} ${command.usage()}\n`;
}

/** Errors of this command on one line of stderr, ending with its usage. */
export function oneLineErrors(command: Command, io: Io): Command {
  return command.configureOutput({ outputError: (text) => io.err(errorLine(command, text)) });
}

function addOptions(command: Command, spec: CommandSpec): void {
  for (const [name, description] of spec.arguments ?? []) command.argument(name, description);
  for (const option of spec.options ?? []) {
    if (Array.isArray(option)) command.option(option[0], option[1]);
    else command.addOption(option as Option);
  }
  command.option('--json', `print JSON: ${spec.json}`);
}

function addCommand(group: Command, spec: CommandSpec, io: Io, open: OpenServices): void {
  const command = group.command(spec.name).summary(spec.summary).description(spec.summary);
  if (spec.details) command.addHelpText('after', `\n${spec.details}`);
  addOptions(command, spec);
  command.usage(usageOf(command));
  oneLineErrors(command, io);
  command.action(async () => {
    const options = command.opts();
    const print = (value: unknown, human: () => string) => io.out(options.json ? `${JSON.stringify(value, null, 2)}\n` : human());
    const { services, close } = await open();
    try {
      await spec.run({ args: command.processedArgs as string[], options, services, io, print });
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(`${error.message}; usage: ${commandPath(command)} ${command.usage()}`);
      throw error;
    } finally {
      await close();
    }
  });
}

/** Adds `fedmeta <group> <command>` for every command of the group. */
export function addGroup(program: Command, group: CommandGroup, io: Io, open: OpenServices): void {
  const command = program.command(group.name).summary(group.summary).description(group.summary);
  command.usage(group.commands.map((spec) => spec.name).join('|'));
  oneLineErrors(command, io);
  for (const spec of group.commands) addCommand(command, spec, io, open);
}
