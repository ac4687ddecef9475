import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './server.js';
import { usedTool } from './tools.js';

/** Run the openssl command on `input` (written to a file) and return stdout. */
export function openssl(args: string[], input: Buffer | string): string {
  usedTool('openssl');
  const file = join(tempDir('fedmeta-openssl-'), 'input');
  writeFileSync(file, input);
  return execFileSync('openssl', [...args, '-in', file], { encoding: 'utf8' });
}
