// The process entry of `fedmeta` (bin/fedmeta.js): `serve` listens until SIGINT/SIGTERM, every
// other command runs through the CLI. Nothing in src/ imports this file. The logger is made here.
import { loadConfig } from './config.js';
import { startServer } from './http/server.js';
import { runCli } from './cli/main.js';
import { processIo, type Io } from './cli/output.js';
import { createLogger } from './observability/pino-logger.js';
import { errorFields } from './observability/logger.js';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

async function serve(io: Io): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config.logs);
  const running = await startServer(config, { logger }).catch((error: unknown) => {
    logger.error(errorFields(error), 'start-up failed');
    throw error;
  });
  const { warnings, keyring } = running.services;
  for (const warning of warnings) logger.warn({}, warning);
  const line = `fedmeta listening on ${running.url} (issuer ${config.issuer}, store ${config.database.kind}, current key ${keyring.snapshot.currentKid})`;
  logger.info({ url: running.url, issuer: config.issuer, store: config.database.kind, current_kid: keyring.snapshot.currentKid, metrics: running.metrics?.url }, line);
  // With the log in a file, stdout still tells whoever started the process where it listens.
  if (config.logs.file) {
    for (const warning of warnings) io.err(`fedmeta: warning: ${warning}\n`);
    io.out(`${line}\n`);
  }
  const signal = await untilSignal();
  logger.info({ signal }, 'stopping');
  await running.close();
  logger.info({}, 'stopped');
  return 0;
}

export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli(argv, serve, io);
}
