// The process entry of `fedmeta` (bin/fedmeta.js): `serve` listens until SIGINT/SIGTERM, every
// other command runs through the CLI. Nothing in src/ imports this file. The logger is made here.
// With FEDMETA_WORKERS above 1, `serve` in the primary process prepares the store and runs the
// workers (src/worker-pool.ts); each worker is a `serve` of its own.
import cluster from 'node:cluster';
import { loadConfig, type Config } from './config.js';
import { startServer } from './http/server.js';
import { openServices } from './services.js';
import { startWorkerPool } from './worker-pool.js';
import { startMetricsListener } from './http/metrics-listener.js';
import { workersMetrics } from './observability/cluster-metrics.js';
import { runCli, type ListenOverrides } from './cli/main.js';
import { processIo, type Io } from './cli/output.js';
import { createLogger } from './observability/pino-logger.js';
import { errorFields, lineLogger, type LogFields, type Logger } from './observability/logger.js';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

type Announce = (fields: LogFields, line: string) => void;

function logWarnings(warnings: string[], logger: Logger, config: Config, io: Io): void {
  for (const warning of warnings) {
    logger.warn({}, warning);
    if (config.logs.file) io.err(`fedmeta: warning: ${warning}\n`);
  }
}

function announceListening(announce: Announce, config: Config, url: string, currentKid: string, extra: LogFields = {}, suffix = ''): void {
  announce(
    { url, issuer: config.issuer, store: config.database.kind, current_kid: currentKid, ...extra },
    `fedmeta listening on ${url} (issuer ${config.issuer}, store ${config.database.kind}, current key ${currentKid}${suffix})`,
  );
}

/**
 * The primary of FEDMETA_WORKERS: schema, first keys and the KEK check happen once here (an invalid
 * start stops with its one-line message before any worker runs), then the workers start.
 */
async function servePrimary(config: Config, io: Io, logger: Logger, announce: Announce): Promise<number> {
  const services = await openServices({ config, logger });
  const { warnings, keyring } = services;
  await services.store.close();
  logWarnings(warnings, logger, config, io);
  const signal = untilSignal();
  const { workers } = config.processes;
  const pool = startWorkerPool(workers, lineLogger(logger, 'error'));
  let port: number;
  try {
    port = await pool.listening;
  } catch {
    await pool.failed;
    return 1;
  }
  // The workers' metrics, summed: one scrape sees the whole instance.
  const metrics = config.metrics ? await startMetricsListener(config.metrics, workersMetrics(), logger) : undefined;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  announceListening(announce, config, `http://${host}:${port}`, keyring.snapshot.currentKid, { workers, metrics: metrics?.url }, `, ${workers} workers`);
  const stopping = await Promise.race([signal, pool.failed.then(() => undefined)]);
  await metrics?.close();
  if (!stopping) return 1;
  announce({ signal: stopping, workers }, `fedmeta stopping (${stopping}): each worker stops as a single server does`);
  await pool.stop();
  announce({}, 'fedmeta stopped');
  return 0;
}

/** `fedmeta serve [--host H] [--port P]`: the flags win over HOST and PORT (workers get the same flags). */
async function serve(io: Io, listen: ListenOverrides): Promise<number> {
  const config = { ...loadConfig(), ...listen };
  const logger = createLogger(config.logs);
  /** A start-up or shutdown line: in the log, and on stdout too when the log goes to a file. */
  const announce: Announce = (fields, line) => {
    logger.info(fields, line);
    if (config.logs.file) io.out(`${line}\n`);
  };
  if (config.processes.workers > 1 && cluster.isPrimary) return servePrimary(config, io, logger, announce);
  const running = await startServer(config, { logger, metricsViaPrimary: cluster.isWorker }).catch((error: unknown) => {
    logger.error(errorFields(error), 'start-up failed');
    throw error;
  });
  const { warnings, keyring } = running.services;
  // A worker is one of several: the primary logged the warnings.
  if (cluster.isPrimary) logWarnings(warnings, logger, config, io);
  announceListening(announce, config, running.url, keyring.snapshot.currentKid, { metrics: running.metrics?.url, ...(cluster.worker ? { worker: cluster.worker.id } : {}) });
  const signal = await untilSignal();
  announce({ signal, grace_ms: config.http.shutdownGraceMs }, `fedmeta stopping (${signal}): no new connections; requests in flight get ${config.http.shutdownGraceMs} ms to finish`);
  await running.close(config.http.shutdownGraceMs);
  announce({}, 'fedmeta stopped');
  // The channel to the primary would keep a worker alive.
  cluster.worker?.disconnect();
  return 0;
}

export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli(argv, serve, io);
}
