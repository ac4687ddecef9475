// The process entry of `fedmeta` (bin/fedmeta.js): `serve` listens until SIGINT/SIGTERM, every
// other command runs through the CLI. With FEDMETA_WORKERS above 1, `serve` in the primary process
// prepares the store and runs the workers (src/worker-pool.ts); each worker is a `serve` of its own.
// Nothing in src/ imports this file.
import cluster from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { startServer } from './http/server.js';
import { openServices } from './services.js';
import { startWorkerPool } from './worker-pool.js';
import { runCli } from './cli/main.js';
import { processIo, type Io } from './cli/output.js';

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

const listeningLine = (config: Config, url: string, currentKid: string, workers: string) =>
  `fedmeta listening on ${url} (issuer ${config.issuer}, store ${config.database.kind}, current key ${currentKid}${workers})\n`;

/**
 * The primary of FEDMETA_WORKERS: schema, first keys and the KEK check happen once here (an invalid
 * start stops with its one-line message before any worker runs), then the workers start.
 */
async function servePrimary(config: Config, io: Io): Promise<number> {
  const services = await openServices({ config });
  const { warnings, keyring } = services;
  await services.store.close();
  for (const warning of warnings) io.err(`fedmeta: warning: ${warning}\n`);
  const signal = untilSignal();
  const pool = startWorkerPool(config.processes.workers, (line) => io.err(`${line}\n`));
  let port: number;
  try {
    port = await pool.listening;
  } catch {
    await pool.failed;
    return 1;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  io.out(listeningLine(config, `http://${host}:${port}`, keyring.snapshot.currentKid, `, ${config.processes.workers} workers`));
  const failed = await Promise.race([signal.then(() => false), pool.failed.then(() => true)]);
  if (!failed) await pool.stop();
  return failed ? 1 : 0;
}

async function serve(io: Io): Promise<number> {
  const config = loadConfig();
  if (config.processes.workers > 1 && cluster.isPrimary) return servePrimary(config, io);
  const running = await startServer(config);
  const { warnings, keyring } = running.services;
  // A worker is one of several: the primary printed the warnings and the address.
  if (cluster.isPrimary) {
    for (const warning of warnings) io.err(`fedmeta: warning: ${warning}\n`);
    io.out(listeningLine(config, running.url, keyring.snapshot.currentKid, ''));
  }
  await untilSignal();
  await running.close();
  // The channel to the primary would keep a worker alive.
  cluster.worker?.disconnect();
  return 0;
}

export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli(argv, serve, io);
}
