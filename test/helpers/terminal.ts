// Run the compiled CLI under a pseudo-terminal, as an operator at a shell would: util-linux `script`
// gives it a terminal for stdin, stdout and stderr (with the terminal's own echo left on), and each
// prompt is answered only once it has appeared, as a person would type.
import { spawn, spawnSync } from 'node:child_process';
import { BIN } from './cli.js';
import { suiteLogEnv } from './server.js';

export interface TerminalAnswer {
  /** Text the CLI shows before the answer is typed. */
  prompt: string;
  answer: string;
}

export interface TerminalResult {
  code: number | null;
  /** Everything the terminal showed: prompts, output and whatever was echoed. */
  screen: string;
}

/** Why a terminal cannot be had here, or undefined when util-linux `script` runs. */
export function terminalUnavailable(): string | undefined {
  const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && /util-linux/.test(probe.stdout) ? undefined : 'util-linux script (for a pseudo-terminal) is not installed';
}

const shellQuote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export function runCliInTerminal(args: string[], env: Record<string, string>, answers: TerminalAnswer[]): Promise<TerminalResult> {
  const commandLine = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--echo', 'always', '--command', commandLine, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', TERM: 'dumb', ...suiteLogEnv(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    let answered = 0;
    let shownUpTo = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8');
      const next = answers[answered];
      const at = next ? screen.indexOf(next.prompt, shownUpTo) : -1;
      if (next && at >= 0) {
        shownUpTo = at + next.prompt.length;
        answered += 1;
        child.stdin.write(`${next.answer}\r`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (screen += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}
