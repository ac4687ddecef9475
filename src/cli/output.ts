// The CLI's input and output (Io: injected, so commands run in-process in tests), its usage error,
// human tables, and the operating-system user every CLI change is audited as.
import { userInfo } from 'node:os';
import type { Actor } from '../audit/types.js';
import { promptHidden } from './password-prompt.js';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface Io {
  out: (text: string | Buffer) => void;
  err: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Standard input is a terminal: ask for secrets with a prompt instead of reading them from stdin. */
  stdinIsTerminal?: boolean;
  /** Shows `prompt` on stderr and reads one line from the terminal without echoing it. */
  readHidden?: (prompt: string) => Promise<string>;
}

/** What a command reads from standard input is a password or a secret: a few bytes. */
const STDIN_MAX_BYTES = 64 * 1024;

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of process.stdin) {
      size += (chunk as Buffer).length;
      if (size > STDIN_MAX_BYTES) throw new UsageError(`standard input is larger than ${STDIN_MAX_BYTES} bytes`);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  },
  stdinIsTerminal: process.stdin.isTTY === true,
  readHidden: promptHidden,
};

export const cliActor = (): Actor => ({ type: 'cli', id: userInfo().username });

/** Left-aligned columns for human output. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** A kid is a base64url SHA-256 (RFC 7638 thumbprint): 43 characters, and one in 64 starts with "-". */
const KID = /^[A-Za-z0-9_-]{43}$/;

/**
 * A parser reads "-abc…" as options: a kid that starts with "-" goes behind "--" so it stays a
 * positional (an explicit "--" from the user is left as it is, and so is the value of --kid).
 */
export function kidsAsPositionals(args: string[]): string[] {
  if (args.includes('--')) return args;
  const dashed = args.filter((arg, index) => arg.startsWith('-') && KID.test(arg) && args[index - 1] !== '--kid');
  if (dashed.length === 0) return args;
  return [...args.filter((arg) => !dashed.includes(arg)), '--', ...dashed];
}
