// wrk runs (one thread, 32 connections, --latency) and what they report: requests per second,
// p50/p99 latency and how many answers were not 2xx/3xx.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const WRK = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error ? undefined : 'wrk';
export const SP_INITIATED_SCRIPT = fileURLToPath(new URL('./sp-initiated.lua', import.meta.url));

export interface WrkResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failures: number;
}

export interface WrkRun {
  url: string;
  seconds: number;
  headers?: Record<string, string>;
  script?: string;
  env?: Record<string, string>;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function milliseconds(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) throw new Error(`wrk latency "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]!]!;
}

export function parseWrk(output: string): WrkResult {
  const number = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`wrk output without ${pattern}:\n${output}`);
    return match[1]!;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = errors ? errors.slice(1).reduce((sum, count) => sum + Number(count), 0) : 0;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  /** Answers a script's response() found wrong (sp-initiated.lua in smoke mode). */
  const unexpected = output.match(/^unexpected answer/gm)?.length ?? 0;
  return {
    requestsPerSecond: Number(number(/Requests\/sec:\s+([\d.]+)/)),
    p50Ms: milliseconds(number(/^\s+50%\s+(\S+)/m)),
    p99Ms: milliseconds(number(/^\s+99%\s+(\S+)/m)),
    requests: Number(number(/(\d+) requests in/)),
    failures: non2xx + socketErrors + unexpected,
  };
}

export function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = ['-t1', '-c32', `-d${run.seconds}s`, '--latency', '--timeout', '10s'];
  for (const [name, value] of Object.entries(run.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (run.script) args.push('-s', run.script);
  args.push(run.url);
  return new Promise((resolve, reject) => {
    const child = spawn(WRK ?? 'wrk', args, { env: { ...process.env, ...run.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}: ${output}`));
      try {
        resolve(parseWrk(output));
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}
