// Wiring for a running instance: config → store → KEK → keys → keyring → app → HTTP server.
// Used by `fedmeta serve` and by the tests (which start it on an ephemeral port).
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, HttpLimits } from './config.js';
import { systemClock, type Clock } from './clock.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';
import { resolveKek } from './store/kek.js';
import { Keyring, openPrivateKey } from './keys/keyring.js';
import { KeyService } from './keys/service.js';
import { ConfigError } from './config.js';
import { createApp } from './app.js';
import { ClientService } from './clients/service.js';
import { UserService } from './users/service.js';
import { ApplicationCatalog } from './clients/catalog.js';
import { watchStore, type StoreWatch } from './store/watch.js';
import { SightingRecorder } from './rollover/sighting-recorder.js';
import { RolloverService } from './rollover/service.js';

export interface Services {
  config: Config;
  store: Store;
  kek: Buffer;
  keyring: Keyring;
  keys: KeyService;
  clock: Clock;
  clients: ClientService;
  catalog: ApplicationCatalog;
  users: UserService;
  /** Consumer sightings, buffered; a running server flushes them in the background. */
  sightings: SightingRecorder;
  rollover: RolloverService;
  warnings: string[];
}

/** Open the store and load the key set; creates the first current and next keys on a new store. */
export async function openServices(config: Config, options: { clock?: Clock; createKeys?: boolean } = {}): Promise<Services> {
  const clock = options.clock ?? systemClock;
  const store = await openStore(config);
  try {
    await store.migrate();
    const { kek, warning } = await resolveKek(config, store);
    const keyring = new Keyring(store, kek);
    const keys = new KeyService({ config, store, kek, clock, afterChange: () => keyring.refresh() });
    if (options.createKeys ?? true) await keys.ensureInitialKeys({ type: 'system', id: 'first-start' });
    const snapshot = await keyring.refresh();
    if (snapshot.unavailable) {
      // No published key opens: a wrong FEDMETA_KEK, not one damaged row. Refuse to start. One damaged
      // current key instead starts not ready (fail closed) so that a rotation can recover it.
      const opens = (record: (typeof snapshot.keys)[number]) => {
        try {
          openPrivateKey(kek, record);
          return true;
        } catch {
          return false;
        }
      };
      if (!snapshot.keys.some((record) => record.state !== 'revoked' && record.kid !== snapshot.currentKid && opens(record))) {
        throw new ConfigError('FEDMETA_KEK', `the private key of ${snapshot.currentKid} does not open with this FEDMETA_KEK, nor does any other key; refusing to start (keys are never regenerated)`);
      }
    }
    const catalog = new ApplicationCatalog(store);
    await catalog.refresh();
    const clients = new ClientService({ store, clock, afterChange: () => catalog.refresh() });
    const users = new UserService({ store, clock });
    const sightings = new SightingRecorder({ store: store.sightings, clock, retentionMs: config.rollover.sightingRetentionDays * 86_400_000 });
    const rollover = new RolloverService({ config, store, clock, keys, sightings });
    const warnings = [...('warnings' in store && Array.isArray(store.warnings) ? (store.warnings as string[]) : []), ...(warning ? [warning] : [])];
    return { config, store, kek, keyring, keys, clock, clients, catalog, users, sightings, rollover, warnings };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  services: Services;
  /** Keeps the in-memory key set and applications current (push notices + polling). */
  watch: StoreWatch;
  close(): Promise<void>;
}

/** Request headers past this count are not read (browsers send about 20). */
const MAX_HEADERS_COUNT = 100;

/**
 * node:http with fedmeta's limits. A socket that never sends a byte, or stops half-way through the
 * headers, is answered 408 and closed by the headers timeout: Node checks it on the
 * connectionsCheckingInterval timer (default 30 s, here at most 1 s), not only when data arrives.
 * server.timeout additionally destroys any socket with no traffic either way (e.g. a client that
 * stops reading its response).
 */
function createHttpServer(limits: HttpLimits, listener: RequestListener): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.maxHeaderBytes,
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 2))),
    },
    listener,
  );
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.timeout = limits.socketTimeoutMs;
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  return server;
}

export async function startServer(config: Config, options: { clock?: Clock; pollMs?: number } = {}): Promise<RunningServer> {
  const services = await openServices(config, options);
  const app = createApp(services);
  const server = createHttpServer(config.http, app.callback());
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    await services.store.close();
    throw error;
  }
  const watch = watchStore(
    [
      { target: services.keyring, topics: ['keys'] },
      { target: services.catalog, topics: ['clients'] },
    ],
    options.pollMs ?? 250,
    services.store,
  );
  services.sightings.start(config.rollover.sightingFlushSeconds * 1000);
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
      await services.sightings.stop();
      await services.store.close();
    },
  };
}
