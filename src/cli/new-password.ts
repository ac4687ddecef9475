// A new password for `users add` (and any command that sets one): typed twice at a terminal without
// echo, or one line on standard input when it is piped.
import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import { UsageError, type Io } from './output.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

export async function readNewPassword(io: Io, command: string): Promise<string> {
  if (io.stdinIsTerminal && io.readHidden) {
    const password = await io.readHidden('Password: ');
    if (!password) throw new UsageError('the password must not be empty');
    const repeated = await io.readHidden('Repeat the password: ');
    if (!timingSafeEqual(digest(password), digest(repeated))) throw invalidRequest('the two passwords differ; nothing was changed');
    return password;
  }
  // One line: `echo "$PASSWORD" | fedmeta users add …` ends it with a newline that is not part of it.
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!password) throw new UsageError(`give the password on standard input, e.g. printf %s "$PASSWORD" | fedmeta ${command}`);
  return password;
}
