// npm run bench [-- --rounds N] [--json FILE] [--sign-only] [--smoke] [--workers N] [--node-options OPTS] [--extras]
import { parseArgs } from 'node:util';

export interface BenchOptions {
  rounds: number;
  json: string;
  signOnly: boolean;
  /** One very short round of everything, checking outputs and printing no timings. */
  smoke: boolean;
  /** FEDMETA_WORKERS for the server process; unset: the server's default. */
  workers: string | undefined;
  /** NODE_OPTIONS for the server process (e.g. --max-semi-space-size=2), to measure a V8 setting. */
  nodeOptions: string | undefined;
  /** Also the README's design-choice comparisons (bench/extras.ts). */
  extras: boolean;
  inProcessSeconds: number;
  wrkSeconds: number;
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { rounds: { type: 'string' }, json: { type: 'string' }, 'sign-only': { type: 'boolean' }, smoke: { type: 'boolean' }, workers: { type: 'string' }, 'node-options': { type: 'string' }, extras: { type: 'boolean' } },
  });
  const smoke = values.smoke ?? false;
  const rounds = smoke ? 1 : Number(values.rounds ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds must be an integer from 1 to 20');
  if (values.workers !== undefined && !/^(auto|[1-9]\d?)$/.test(values.workers)) throw new Error('--workers must be a number of processes or "auto"');
  return {
    rounds,
    json: values.json ?? new URL('./results/latest.json', import.meta.url).pathname,
    signOnly: values['sign-only'] ?? false,
    smoke,
    workers: values.workers,
    nodeOptions: values['node-options'],
    extras: values.extras ?? false,
    inProcessSeconds: smoke ? 0.2 : 2,
    wrkSeconds: smoke ? 1 : 5,
  };
}
