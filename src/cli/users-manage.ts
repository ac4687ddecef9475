// fedmeta users list [--q Q] [--page N] [--per-page N] [--json] | show EMAIL_OR_ID [--json] |
// set-password EMAIL (password on stdin) | block EMAIL | unblock EMAIL | remove EMAIL --yes —
// thin calls to the same UserService as the Management API and the dashboard (audited alike).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Services } from '../services.js';
import { userView, type User } from '../users/types.js';
import { table, UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';

/** One argument, the user's address (or user_id where noted), and the command's own flags. */
function oneUser(args: string[], usage: string, options: NonNullable<ParseArgsConfig['options']>) {
  const parsed = parseArgs({ args, strict: true, allowPositionals: true, options });
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  return { who: parsed.positionals[0]!, values: parsed.values as Record<string, unknown> };
}

/** A password given on standard input: one line (`echo "$PASSWORD" | …` adds a newline that is not part of it). */
export async function passwordFromStdin(io: Io, command: string): Promise<string> {
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError(`give the password on standard input, e.g. printf %s "$PASSWORD" | fedmeta users ${command} EMAIL`);
  return password;
}

function whole(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const text = String(value);
  if (!/^\d{1,7}$/.test(text) || Number(text) > max) throw new UsageError(`--${name} must be a whole number up to ${max}`);
  return Number(text);
}

const role = (user: User) => `${user.admin ? 'admin' : 'user'}${user.blocked ? ', blocked' : ''}`;

export async function listUsers(args: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { q: { type: 'string' }, page: { type: 'string' }, 'per-page': { type: 'string' }, json: { type: 'boolean' } } });
  const page = whole(values.page, 'page', 0, 1_000_000);
  const perPage = Math.max(1, whole(values['per-page'], 'per-page', 50, 100));
  const result = await services.users.search({ q: values.q, page, perPage, includeTotals: true });
  if (values.json) {
    io.out(`${JSON.stringify({ ...result, users: result.users.map(userView) }, null, 2)}\n`);
    return 0;
  }
  const rows = result.users.map((user) => [user.userId, user.email, user.name, role(user), user.createdAt.toISOString()]);
  io.out(table([['USER ID', 'EMAIL', 'NAME', 'ROLE', 'CREATED'], ...rows]));
  const shown = result.length ? `${result.start + 1}-${result.start + result.length}` : 'none';
  io.out(`${shown} of ${result.total ?? 0}${values.q ? ` matching ${JSON.stringify(values.q)}` : ''}\n`);
  return 0;
}

export async function showUser(args: string[], services: Services, io: Io): Promise<number> {
  const { who, values } = oneUser(args, 'usage: fedmeta users show EMAIL_OR_ID [--json]', { json: { type: 'boolean' } });
  const view = userView(await services.users.findByEmailOrId(who));
  if (values.json) io.out(`${JSON.stringify(view, null, 2)}\n`);
  else {
    const { user_metadata: metadata, ...fields } = view;
    io.out(table([...Object.entries(fields).map(([name, value]) => [`${name}:`, String(value)]), ['user_metadata:', JSON.stringify(metadata)]]));
  }
  return 0;
}

export async function setPassword(args: string[], services: Services, io: Io): Promise<number> {
  const { who } = oneUser(args, 'usage: fedmeta users set-password EMAIL  (password on stdin)', {});
  const user = await services.users.findByEmail(who);
  const password = await passwordFromStdin(io, 'set-password');
  await services.users.update(user.userId, { password }, cliActor());
  io.out(`changed the password of ${user.email} (${user.userId}); their sessions have ended\n`);
  return 0;
}

export async function setBlocked(blocked: boolean, args: string[], services: Services, io: Io): Promise<number> {
  const { who } = oneUser(args, `usage: fedmeta users ${blocked ? 'block' : 'unblock'} EMAIL`, {});
  const user = await services.users.update((await services.users.findByEmail(who)).userId, { blocked }, cliActor());
  io.out(blocked ? `blocked ${user.email} (${user.userId}): their sessions have ended and they cannot sign in\n` : `unblocked ${user.email} (${user.userId})\n`);
  return 0;
}

export async function removeUser(args: string[], services: Services, io: Io): Promise<number> {
  const usage = 'usage: fedmeta users remove EMAIL --yes  (deletes the user and ends their sessions; cannot be undone)';
  const { who, values } = oneUser(args, usage, { yes: { type: 'boolean' } });
  if (!values.yes) throw new UsageError(usage);
  const user = await services.users.findByEmail(who);
  await services.users.remove(user.userId, cliActor());
  io.out(`removed ${user.email} (${user.userId}); their sessions have ended\n`);
  return 0;
}
