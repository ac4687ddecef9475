// The process entry of `fedmeta` (bin/fedmeta.js): `serve` listens until SIGINT/SIGTERM, every
// other command runs through the CLI. Nothing in src/ imports this file. The logger is made here.
import { loadConfig } from './config.js';
import { startServer } from './http/server.js';
import { runCli, type ListenOverrides } from './cli/main.js';
import { processIo, type Io } from './cli/output.js';
import { createLogger } from './observability/pino-logger.js';
import { errorFields, type LogFields } from './observability/logger.js';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** `fedmeta serve [--host H] [--port P]`: the flags win over HOST and PORT. */
async function serve(io: Io, listen: ListenOverrides): Promise<number> {
  const config = { ...loadConfig(), ...listen };
  const logger = createLogger(config.logs);
  /** A start-up or shutdown line: in the log, and on stdout too when the log goes to a file. */
  const announce = (fields: LogFields, line: string) => {
    logger.info(fields, line);
    if (config.logs.file) io.out(`${line}\n`);
  };
  const running = await startServer(config, { logger }).catch((error: unknown) => {
    logger.error(errorFields(error), 'start-up failed');
    throw error;
  });
  const { warnings, keyring } = running.services;
  for (const warning of warnings) {
    logger.warn({}, warning);
    if (config.logs.file) io.err(`fedmeta: warning: ${warning}\n`);
  }
  const currentKid = keyring.snapshot.currentKid;
  announce(
    { url: running.url, issuer: config.issuer, store: config.database.kind, current_kid: currentKid, metrics: running.metrics?.url },
    `fedmeta listening on ${running.url} (issuer ${config.issuer}, store ${config.database.kind}, current key ${currentKid})`,
  );
  const signal = await untilSignal();
  announce({ signal, grace_ms: config.http.shutdownGraceMs }, `fedmeta stopping (${signal}): no new connections; requests in flight get ${config.http.shutdownGraceMs} ms to finish`);
  await running.close(config.http.shutdownGraceMs);
  announce({}, 'fedmeta stopped');
  return 0;
}

export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli(argv, serve, io);
}
