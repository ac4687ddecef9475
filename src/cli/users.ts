// fedmeta users add EMAIL [--name N] [--admin] — the password is read from standard input.
// fedmeta users grant-admin EMAIL / revoke-admin EMAIL — the only ways besides the dashboard to make
// or unmake an administrator (the Management API refuses).
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { userView } from '../users/types.js';
import { UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';

const USAGE = 'usage: fedmeta users add EMAIL [--name N] [--admin]  (password on stdin) | users grant-admin EMAIL | users revoke-admin EMAIL';

export async function usersCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'grant-admin' || sub === 'revoke-admin') {
    const { positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: {} });
    if (positionals.length !== 1) throw new UsageError(`usage: fedmeta users ${sub} EMAIL`);
    const admin = sub === 'grant-admin';
    const found = await services.users.findByEmail(positionals[0]);
    const user = await services.users.setAdmin(found.userId, admin, cliActor());
    io.out(`${user.email} (${user.userId}) is ${admin ? 'an administrator' : 'no longer an administrator'}\n`);
    return 0;
  }
  if (sub !== 'add') throw new UsageError(USAGE);
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: { name: { type: 'string' }, admin: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('usage: fedmeta users add EMAIL [--name N] [--admin]  (password on stdin)');
  // One line: `echo "$PASSWORD" | fedmeta users add …` ends it with a newline that is not part of it.
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError('give the password on standard input, e.g. printf %s "$PASSWORD" | fedmeta users add EMAIL');
  const user = await services.users.create(
    { email: positionals[0], password, ...(values.name ? { name: values.name } : {}), admin: values.admin ?? false },
    cliActor(),
  );
  io.out(values.json ? `${JSON.stringify(userView(user))}\n` : `created ${user.admin ? 'administrator' : 'user'} ${user.email} (${user.userId})\n`);
  return 0;
}
