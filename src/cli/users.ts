// fedmeta users add EMAIL [--name N] [--admin] — the password is read from standard input.
// fedmeta users grant-admin EMAIL / revoke-admin EMAIL — the only ways besides the dashboard to make
// or unmake an administrator (the Management API refuses).
// list, show, set-password, block, unblock and remove are in users-manage.ts.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { userView } from '../users/types.js';
import { UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';
import { listUsers, passwordFromStdin, removeUser, setBlocked, setPassword, showUser } from './users-manage.js';

const USAGE =
  'usage: fedmeta users add EMAIL [--name N] [--admin]  (password on stdin) | grant-admin EMAIL | revoke-admin EMAIL | ' +
  'list [--q Q] [--page N] [--per-page N] [--json] | show EMAIL_OR_ID [--json] | set-password EMAIL  (password on stdin) | ' +
  'block EMAIL | unblock EMAIL | remove EMAIL --yes';

async function setAdmin(sub: 'grant-admin' | 'revoke-admin', rest: string[], services: Services, io: Io): Promise<number> {
  const { positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: {} });
  if (positionals.length !== 1) throw new UsageError(`usage: fedmeta users ${sub} EMAIL`);
  const admin = sub === 'grant-admin';
  const found = await services.users.findByEmail(positionals[0]);
  const user = await services.users.setAdmin(found.userId, admin, cliActor());
  io.out(`${user.email} (${user.userId}) is ${admin ? 'an administrator' : 'no longer an administrator'}\n`);
  return 0;
}

async function addUser(rest: string[], services: Services, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: { name: { type: 'string' }, admin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('usage: fedmeta users add EMAIL [--name N] [--admin]  (password on stdin)');
  const password = await passwordFromStdin(io, 'add');
  const user = await services.users.create(
    { email: positionals[0], password, ...(values.name ? { name: values.name } : {}), admin: values.admin ?? false },
    cliActor(),
  );
  io.out(values.json ? `${JSON.stringify(userView(user))}\n` : `created ${user.admin ? 'administrator' : 'user'} ${user.email} (${user.userId})\n`);
  return 0;
}

export async function usersCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return addUser(rest, services, io);
    case 'grant-admin':
    case 'revoke-admin':
      return setAdmin(sub, rest, services, io);
    case 'list':
      return listUsers(rest, services, io);
    case 'show':
      return showUser(rest, services, io);
    case 'set-password':
      return setPassword(rest, services, io);
    case 'block':
    case 'unblock':
      return setBlocked(sub === 'block', rest, services, io);
    case 'remove':
      return removeUser(rest, services, io);
    default:
      throw new UsageError(USAGE);
  }
}
