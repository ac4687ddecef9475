// Groups of settings parsed from the environment (HTTP limits, rollover, rotation policy, certificate watch, log streams);
// src/config.ts puts them into the one frozen Config.
import { ConfigError, boolean, duration, integer, type Env } from './config-values.js';

export interface RolloverSettings {
  /** FEDMETA_ROTATION_REQUIRE_READY: refuse a rotation (409 rollover_not_ready) unless forced. */
  requireReady: boolean;
  /** Cache lifetime of metadata and JWKS while the next key is younger than metadataCacheSeconds (default: no shorter). */
  youngKeyCacheSeconds: number;
  /** Buffered consumer sightings are written at most this often. */
  sightingFlushSeconds: number;
  /** Anonymous consumers not seen for this many days are forgotten. */
  sightingRetentionDays: number;
}

export interface RotationPolicy {
  /** FEDMETA_ROTATE_EVERY: rotate when the current key has been current this long (undefined: manual only). */
  rotateEveryMs?: number | undefined;
  /** FEDMETA_NEXT_MIN_AGE: the least time a next key must have been published before it may become current. */
  nextMinAgeMs: number;
  /** FEDMETA_REVOKE_PREVIOUS_AFTER: revoke a previous key this long after it stopped signing (undefined: never). */
  revokePreviousAfterMs?: number | undefined;
  /** How often the scheduler looks. */
  checkIntervalMs: number;
}

export interface CertificateWatchSettings {
  /** Warn (log, dashboard, /readyz, audit) when a published certificate expires within this many days. */
  warnDays: number;
  /** Renew a published key's certificate this close to expiry by itself (0: never). */
  autoRenewDays: number;
  /** How often the watch looks. */
  checkIntervalMs: number;
}

export interface LogStreamSettings {
  /** How often each instance looks for due deliveries. */
  pollMs: number;
  /** First retry delay; doubles after each consecutive failure up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Consecutive failures after which a stream is suspended. */
  maxFailures: number;
  /** Time allowed for one POST. */
  timeoutMs: number;
  /** Audit entries per POST. */
  batchSize: number;
}

export interface HttpLimits {
  /** Time to receive the complete request headers; also closes sockets that send nothing (408). */
  headersTimeoutMs: number;
  /** Time to receive the complete request (headers and body). */
  requestTimeoutMs: number;
  /** Idle time allowed between requests on a keep-alive connection. */
  keepAliveTimeoutMs: number;
  /** Inactivity (no bytes either way) after which any socket is destroyed. */
  socketTimeoutMs: number;
  /** Maximum size of the request line plus headers, in bytes (larger: 431). */
  maxHeaderBytes: number;
  /** On SIGTERM/SIGINT: how long requests in flight may take to finish before their connections are cut. */
  shutdownGraceMs: number;
}

export function parseRollover(env: Env, metadataCacheSeconds: number): RolloverSettings {
  return Object.freeze({
    requireReady: boolean(env, 'FEDMETA_ROTATION_REQUIRE_READY', false),
    // Off unless set (the same as the cache duration): e.g. 300 for five minutes.
    youngKeyCacheSeconds: integer(env, 'FEDMETA_YOUNG_KEY_CACHE_SECONDS', metadataCacheSeconds, 0, metadataCacheSeconds),
    sightingFlushSeconds: integer(env, 'FEDMETA_SIGHTING_FLUSH_SECONDS', 5, 1, 3600),
    sightingRetentionDays: integer(env, 'FEDMETA_SIGHTING_RETENTION_DAYS', 30, 1, 3650),
  });
}

export function parseRotationPolicy(env: Env): RotationPolicy {
  const rotateEveryMs = duration(env, 'FEDMETA_ROTATE_EVERY');
  const nextMinAgeMs = duration(env, 'FEDMETA_NEXT_MIN_AGE') ?? 0;
  if (rotateEveryMs !== undefined && nextMinAgeMs > rotateEveryMs) {
    throw new ConfigError('FEDMETA_NEXT_MIN_AGE', 'must not be longer than FEDMETA_ROTATE_EVERY (the next key would never be old enough in time)');
  }
  return Object.freeze({
    rotateEveryMs,
    nextMinAgeMs,
    revokePreviousAfterMs: duration(env, 'FEDMETA_REVOKE_PREVIOUS_AFTER'),
    checkIntervalMs: integer(env, 'FEDMETA_ROTATION_CHECK_INTERVAL_MS', 60_000, 100, 86_400_000),
  });
}

export function parseCertificateWatch(env: Env): CertificateWatchSettings {
  const certDays = integer(env, 'FEDMETA_CERT_DAYS', 3650, 1, 36500);
  // Default 30 days, or half the validity of short-lived certificates (FEDMETA_CERT_DAYS of 60 or less).
  const autoRenewDays = integer(env, 'FEDMETA_CERT_AUTO_RENEW_DAYS', Math.min(30, Math.floor(certDays / 2)), 0, 3650);
  // A renewed certificate must not be due for renewal again at once.
  if (autoRenewDays >= certDays) {
    throw new ConfigError('FEDMETA_CERT_AUTO_RENEW_DAYS', `must be less than FEDMETA_CERT_DAYS (${autoRenewDays} >= ${certDays}); 0 turns automatic renewal off`);
  }
  return Object.freeze({
    warnDays: integer(env, 'FEDMETA_CERT_WARN_DAYS', 30, 0, 3650),
    autoRenewDays,
    checkIntervalMs: integer(env, 'FEDMETA_CERT_CHECK_INTERVAL_MS', 3_600_000, 100, 86_400_000),
  });
}

export function parseLogStreamSettings(env: Env): LogStreamSettings {
  const retryBaseMs = integer(env, 'FEDMETA_LOG_STREAM_RETRY_BASE_MS', 1_000, 10, 3_600_000);
  const retryMaxMs = integer(env, 'FEDMETA_LOG_STREAM_RETRY_MAX_MS', 300_000, 10, 86_400_000);
  if (retryBaseMs > retryMaxMs) {
    throw new ConfigError('FEDMETA_LOG_STREAM_RETRY_BASE_MS', `must not exceed FEDMETA_LOG_STREAM_RETRY_MAX_MS (${retryBaseMs} > ${retryMaxMs})`);
  }
  return Object.freeze({
    pollMs: integer(env, 'FEDMETA_LOG_STREAM_POLL_MS', 1_000, 10, 600_000),
    retryBaseMs,
    retryMaxMs,
    maxFailures: integer(env, 'FEDMETA_LOG_STREAM_MAX_FAILURES', 10, 1, 1_000),
    timeoutMs: integer(env, 'FEDMETA_LOG_STREAM_TIMEOUT_MS', 10_000, 100, 120_000),
    batchSize: integer(env, 'FEDMETA_LOG_STREAM_BATCH_SIZE', 100, 1, 1_000),
  });
}

export function parseHttpLimits(env: Env): HttpLimits {
  const headersTimeoutMs = integer(env, 'FEDMETA_HEADERS_TIMEOUT_MS', 15_000, 100, 600_000);
  const requestTimeoutMs = integer(env, 'FEDMETA_REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError('FEDMETA_HEADERS_TIMEOUT_MS', `must not exceed FEDMETA_REQUEST_TIMEOUT_MS (${headersTimeoutMs} > ${requestTimeoutMs})`);
  }
  const socketTimeoutMs = integer(env, 'FEDMETA_SOCKET_TIMEOUT_MS', 120_000, 100, 3_600_000);
  if (requestTimeoutMs > socketTimeoutMs) {
    throw new ConfigError('FEDMETA_REQUEST_TIMEOUT_MS', `must not exceed FEDMETA_SOCKET_TIMEOUT_MS (${requestTimeoutMs} > ${socketTimeoutMs})`);
  }
  return Object.freeze({
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integer(env, 'FEDMETA_KEEPALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    socketTimeoutMs,
    maxHeaderBytes: integer(env, 'FEDMETA_MAX_HEADER_BYTES', 16_384, 4_096, 65_536),
    shutdownGraceMs: integer(env, 'FEDMETA_SHUTDOWN_GRACE_MS', 10_000, 0, 600_000),
  });
}

/** Audit entries older than this are purged (FEDMETA_AUDIT_RETENTION, default 90d, at least 1d). */
export function parseAuditRetention(env: Env): number {
  const retention = duration(env, 'FEDMETA_AUDIT_RETENTION') ?? 90 * 86_400_000;
  if (retention < 86_400_000) throw new ConfigError('FEDMETA_AUDIT_RETENTION', `must be at least 1d (got "${env.FEDMETA_AUDIT_RETENTION?.trim()}")`);
  return retention;
}
