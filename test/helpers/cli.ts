// Run the compiled CLI (bin/fedmeta.js → dist/) as a separate process, as a user would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { suiteLogEnv } from './server.js';

export const BIN = fileURLToPath(new URL('../../bin/fedmeta.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...suiteLogEnv(), ...env }, stdio: 'pipe' });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: err }));
    child.stdin.end(stdin);
  });
}

/** Start `fedmeta serve` (or another command line that runs it, e.g. `npm start`) and resolve with its URL once it prints the listening line. */
export function serveProcess(env: Record<string, string>, argv: string[] = [process.execPath, BIN, 'serve']): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const [command, ...args] = argv;
    const child = spawn(command!, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...suiteLogEnv(), ...env }, stdio: 'pipe', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${output}`));
    });
  });
}

/** SIGTERM to a `serveProcess`, wait until it has exited, and remove its directory. */
export async function stopServeProcess(running: { child: ChildProcess }, dir: string): Promise<void> {
  running.child.kill('SIGTERM');
  await once(running.child, 'exit');
  rmSync(dir, { recursive: true, force: true });
}
