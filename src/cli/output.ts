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
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Left-aligned columns for human output. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** A kid is a base64url SHA-256 (RFC 7638 thumbprint): 43 characters, and one in 64 starts with "-". */
const KID = /^[A-Za-z0-9_-]{43}$/;

/**
 * parseArgs reads "-abc…" as options: a kid that starts with "-" goes behind "--" so it stays a
 * positional (an explicit "--" from the user is left as it is).
 */
export function kidsAsPositionals(args: string[]): string[] {
  if (args.includes('--')) return args;
  const dashed = args.filter((arg) => arg.startsWith('-') && KID.test(arg));
  if (dashed.length === 0) return args;
  return [...args.filter((arg) => !dashed.includes(arg)), '--', ...dashed];
}
