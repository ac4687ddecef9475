// fedmeta users list|show|set-password|block|unblock|remove — thin calls to the same UserService as the
// Management API and the dashboard (audited alike). Entries of the users table in users.ts.
import { userView, type User } from '../users/types.js';
import { cliActor, table, UsageError } from './output.js';
import { command, required } from './command-spec.js';
import { readNewPassword } from './new-password.js';

export const EMAIL = ['<email>', "the user's email address (compared case- and width-insensitively)"] as const;
const USER_JSON = 'the user (never its password hash)';

function whole(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,7}$/.test(value) || Number(value) > max) throw new UsageError(`--${name} must be a whole number up to ${max}`);
  return Number(value);
}

const role = (user: User) => `${user.admin ? 'admin' : 'user'}${user.blocked ? ', blocked' : ''}`;

export const listUsersCommand = command<{ q?: string; page?: string; perPage?: string }>({
  name: 'list',
  summary: "list or search users (Auth0's q: email:\"a@b.c\", name:ann*, blocked:true …)",
  options: [
    ['--q <query>', "search in Auth0's user search syntax (see the README's Users section)"],
    ['--page <n>', 'page number, from 0 (default 0)'],
    ['--per-page <n>', 'users per page, 1 to 100 (default 50)'],
  ],
  json: '{ users, start, limit, length, total }, as GET /api/v2/users?include_totals=true answers',
  run: async ({ options, services, print }) => {
    const page = whole(options.page, 'page', 0, 1_000_000);
    const perPage = Math.max(1, whole(options.perPage, 'per-page', 50, 100));
    const result = await services.users.search({ q: options.q, page, perPage, includeTotals: true });
    print({ ...result, users: result.users.map(userView) }, () => {
      const rows = result.users.map((user) => [user.userId, user.email, user.name, role(user), user.createdAt.toISOString()]);
      const shown = result.length ? `${result.start + 1}-${result.start + result.length}` : 'none';
      return `${table([['USER ID', 'EMAIL', 'NAME', 'ROLE', 'CREATED'], ...rows])}${shown} of ${result.total ?? 0}${options.q ? ` matching ${JSON.stringify(options.q)}` : ''}\n`;
    });
  },
});

export const showUserCommand = command({
  name: 'show',
  summary: 'one user (never their password hash)',
  arguments: [['<email_or_id>', "the user's email address or user_id"]],
  json: USER_JSON,
  run: async ({ args, services, print }) => {
    const view = userView(await services.users.findByEmailOrId(args[0]!));
    const { user_metadata: metadata, ...fields } = view;
    print(view, () => table([...Object.entries(fields).map(([name, value]) => [`${name}:`, String(value)]), ['user_metadata:', JSON.stringify(metadata)]]));
  },
});

export const setPasswordCommand = command({
  name: 'set-password',
  summary: "a new password (asked for on a terminal, or read from stdin); ends the user's sessions",
  arguments: [EMAIL],
  json: USER_JSON,
  run: async ({ args, services, io, print }) => {
    const user = await services.users.findByEmail(args[0]!);
    const updated = await services.users.update(user.userId, { password: await readNewPassword(io, 'users set-password EMAIL') }, cliActor());
    print(userView(updated), () => `changed the password of ${user.email} (${user.userId}); their sessions have ended\n`);
  },
});

export function blockCommand(blocked: boolean) {
  return command({
    name: blocked ? 'block' : 'unblock',
    summary: blocked ? 'block a user: their sessions end and they cannot sign in' : 'let a blocked user sign in again',
    arguments: [EMAIL],
    json: USER_JSON,
    run: async ({ args, services, print }) => {
      const user = await services.users.update((await services.users.findByEmail(args[0]!)).userId, { blocked }, cliActor());
      print(userView(user), () => (blocked ? `blocked ${user.email} (${user.userId}): their sessions have ended and they cannot sign in\n` : `unblocked ${user.email} (${user.userId})\n`));
    },
  });
}

export const removeUserCommand = command({
  name: 'remove',
  summary: 'delete a user and end their sessions (cannot be undone)',
  arguments: [EMAIL],
  options: [required('--yes', 'confirm: the user is deleted and their sessions end')],
  json: '{ user_id, email, removed: true }',
  run: async ({ args, services, print }) => {
    const user = await services.users.findByEmail(args[0]!);
    await services.users.remove(user.userId, cliActor());
    print({ user_id: user.userId, email: user.email, removed: true }, () => `removed ${user.email} (${user.userId}); their sessions have ended\n`);
  },
});
