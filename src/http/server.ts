// A running instance: services → app → HTTP server on config.host:config.port, with the store watch
// that keeps the in-memory key set and applications current. `fedmeta serve` and the tests start it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { openServices, type Services } from '../services.js';
import { createApp } from './app.js';
import { watchStore, type StoreWatch, type WatchTarget } from '../store/watch.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  services: Services;
  /** Keeps the in-memory key set and applications current (push notices + polling). */
  watch: StoreWatch;
  close(): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  ids?: Ids;
  pollMs?: number;
}

function listen(server: Server, config: Config): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
}

function watchServices(services: Services, pollMs: number): StoreWatch {
  const targets: WatchTarget[] = [
    { target: services.keyring, topics: ['keys'] },
    { target: services.catalog, topics: ['clients'] },
  ];
  return watchStore(targets, pollMs, services.store);
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const services = await openServices({ config, ...options });
  const server = createServer(createApp(services).callback());
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  try {
    await listen(server, config);
  } catch (error) {
    await services.store.close();
    throw error;
  }
  const watch = watchServices(services, options.pollMs ?? 250);
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    services,
    watch,
    async close() {
      await watch.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.store.close();
    },
  };
}
