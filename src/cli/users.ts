// fedmeta users add|grant-admin|revoke-admin|list|show|set-password|block|unblock|remove. grant-admin and
// revoke-admin are the only ways besides the dashboard to make or unmake an administrator (the Management
// API refuses); list … remove are in users-manage.ts.
import type { Services } from '../services.js';
import { userView } from '../users/types.js';
import { cliActor } from './output.js';
import { command, type CommandGroup } from './command-spec.js';
import { readNewPassword } from './new-password.js';
import { blockCommand, EMAIL, listUsersCommand, removeUserCommand, setPasswordCommand, showUserCommand } from './users-manage.js';


function adminCommand(name: 'grant-admin' | 'revoke-admin') {
  const admin = name === 'grant-admin';
  return command({
    name,
    summary: admin ? 'make a user a dashboard administrator' : "remove a user's administrator role",
    arguments: [EMAIL],
    json: 'the user (never its password hash)',
    run: async ({ args, services, print }) => {
      const found = await services.users.findByEmail(args[0]!);
      const user = await services.users.setAdmin(found.userId, admin, cliActor());
      print(userView(user), () => `${user.email} (${user.userId}) is ${admin ? 'an administrator' : 'no longer an administrator'}\n`);
    },
  });
}

async function addUser(services: Services, email: string, password: string, options: { name?: string; admin?: boolean }) {
  return services.users.create({ email, password, ...(options.name ? { name: options.name } : {}), admin: options.admin ?? false }, cliActor());
}

export const usersCommands: CommandGroup = {
  name: 'users',
  summary: 'users who sign in, and dashboard administrators',
  commands: [
    command<{ name?: string; admin?: boolean }>({
      name: 'add',
      summary: 'create a user; the password is asked for on a terminal (twice, not echoed) or read from stdin',
      arguments: [EMAIL],
      options: [
        ['--name <name>', 'display name'],
        ['--admin', 'make the user a dashboard administrator'],
      ],
      json: 'the new user (never its password hash)',
      details: 'Piped: printf %s "$PASSWORD" | fedmeta users add ann@example.com (one trailing newline is not part of the password).',
      run: async ({ args, options, services, io, print }) => {
        const user = await addUser(services, args[0]!, await readNewPassword(io, 'users add EMAIL'), options);
        print(userView(user), () => `created ${user.admin ? 'administrator' : 'user'} ${user.email} (${user.userId})\n`);
      },
    }),
    adminCommand('grant-admin'),
    adminCommand('revoke-admin'),
    listUsersCommand,
    showUserCommand,
    setPasswordCommand,
    blockCommand(true),
    blockCommand(false),
    removeUserCommand,
  ],
};
