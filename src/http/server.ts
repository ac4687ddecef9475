// A running instance: services → app → HTTP server on config.host:config.port, with the store watch
// that keeps the in-memory key set and applications current. `fedmeta serve` and the tests start it.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config, HttpLimits } from '../config.js';
import type { Clock } from '../clock.js';
import type { Ids } from '../ids.js';
import { closeServices, openServices, type Services } from '../services.js';
import { answerClientError } from './client-errors.js';
import { createApp } from './app.js';
import { publishedFastPath } from './published-fast-path.js';
import { watchStore, type StoreWatch, type WatchTarget } from '../store/watch.js';
import { startBackgroundJobs, type BackgroundJobs } from '../background-jobs.js';
import { startMetricsListener, type MetricsListener } from './metrics-listener.js';
import { offerMetricsToPrimary } from '../observability/cluster-metrics.js';
import { lineLogger, type Logger } from '../observability/logger.js';
import { DEFAULT_PURGE_INTERVAL_MS, idleBucketMsFor, startExpiryPurge, type ExpiryPurge } from '../store/expiry.js';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  services: Services;
  /** Keeps the in-memory key set and applications current (push notices + polling). */
  watch: StoreWatch;
  /** Certificate expiry watch and log stream delivery. */
  jobs: BackgroundJobs;
  /** Expired rows and audit retention (runOnce: a pass now). */
  purge: ExpiryPurge;
  /** The Prometheus listener, when FEDMETA_METRICS_PORT is set. */
  metrics: MetricsListener | undefined;
  /** Stops accepting connections, lets requests in flight finish for up to `graceMs` (default 0: cut them), then closes the store. */
  close(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  ids?: Ids;
  pollMs?: number;
  /** How often expired sessions, login states, request IDs and idle rate-limit buckets are deleted (default 10 min). */
  purgeMs?: number;
  /** Where log lines go (default: nowhere). */
  logger?: Logger;
  /** A worker of FEDMETA_WORKERS: the primary serves /metrics and asks this server for its registry. */
  metricsViaPrimary?: boolean;
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
  server.on('clientError', answerClientError(limits));
  return server;
}

/**
 * Stops listening; idle keep-alive connections close at once, requests in flight get up to `graceMs`
 * to finish (their connections close once answered), then whatever is left is cut.
 */
async function drain(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = Date.now() + graceMs;
  let done = false;
  void closed.then(() => (done = true));
  while (!done && Date.now() < deadline) {
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  server.closeAllConnections();
  await closed;
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
  return watchStore(targets, pollMs, services.store, lineLogger(services.logger));
}

/** Deletes expired rows on an unref'd timer; a bucket goes once every rotation policy would have refilled it. */
function purgeExpired(services: Services, config: Config, intervalMs: number): ExpiryPurge {
  const idleBucketMs = idleBucketMsFor([config.rotationRateLimit, config.emergencyRotationRateLimit]);
  return startExpiryPurge({ store: services.store, now: () => services.clock.now(), intervalMs, purge: { idleBucketMs }, auditRetentionMs: config.auditRetentionMs, log: lineLogger(services.logger) });
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const services = await openServices({ config, ...options, processMetrics: config.metrics !== undefined });
  const server = createHttpServer(config.http, publishedFastPath(services, createApp(services).callback()));
  let metrics: MetricsListener | undefined;
  try {
    await listen(server, config);
    if (config.metrics && options.metricsViaPrimary) offerMetricsToPrimary(services.metrics.registry);
    else if (config.metrics) metrics = await startMetricsListener(config.metrics, services.metrics.registry, services.logger);
  } catch (error) {
    server.close();
    await closeServices(services);
    throw error;
  }
  const watch = watchServices(services, options.pollMs ?? 250);
  const jobs = startBackgroundJobs(services);
  const purge = purgeExpired(services, config, options.purgeMs ?? DEFAULT_PURGE_INTERVAL_MS);
  services.sightings.start(config.rollover.sightingFlushSeconds * 1000);
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    services,
    watch,
    jobs,
    purge,
    metrics,
    async close(graceMs = 0) {
      await drain(server, graceMs);
      await metrics?.close();
      await jobs.stop();
      purge.stop();
      await watch.stop();
      await services.sightings.stop();
      await closeServices(services);
    },
  };
}
