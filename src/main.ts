// The process entry of `fedmeta` (bin/fedmeta.js): `serve` listens until SIGINT/SIGTERM, every
// other command runs through the CLI. Nothing in src/ imports this file.
import { loadConfig } from './config.js';
import { startServer } from './http/server.js';
import { runCli, type ListenOverrides } from './cli/main.js';
import { processIo, type Io } from './cli/output.js';

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** `fedmeta serve [--host H] [--port P]`: the flags win over HOST and PORT. */
async function serve(io: Io, listen: ListenOverrides): Promise<number> {
  const running = await startServer({ ...loadConfig(), ...listen });
  const { config, warnings, keyring } = running.services;
  for (const warning of warnings) io.err(`fedmeta: warning: ${warning}\n`);
  io.out(`fedmeta listening on ${running.url} (issuer ${config.issuer}, store ${config.database.kind}, current key ${keyring.snapshot.currentKid})\n`);
  const signal = await untilSignal();
  io.out(`fedmeta stopping (${signal}): no new connections; requests in flight get ${config.http.shutdownGraceMs} ms to finish\n`);
  await running.close(config.http.shutdownGraceMs);
  io.out('fedmeta stopped\n');
  return 0;
}

export function main(argv: string[], io: Io = processIo): Promise<number> {
  return runCli(argv, serve, io);
}
