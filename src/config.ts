// The only module that reads the environment. It validates every setting once at start-up
// and returns a frozen, typed object; an invalid value stops start-up with one line naming it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface Config {
  /** Public base URL without a trailing slash; every published URL derives from it. */
  issuer: string;
  issuerHost: string;
  host: string;
  port: number;
  database: DatabaseConfig;
  /** 32-byte key-encryption key, or undefined to use/generate the SQLite key file. */
  kek: Buffer | undefined;
  samlEntityId: string;
  keySize: 2048 | 3072 | 4096;
  certDays: number;
  metadataCacheSeconds: number;
  /** What signs SAML and WS-Fed metadata: the dedicated metadata-signing key (default) or the current token key. */
  metadataSigner: 'dedicated' | 'current';
  /** Validity of a new metadata-signing key's certificate (long: relying parties pin it). */
  metadataSignerCertDays: number;
  rotationRateLimit: { burst: number; perDay: number };
  /** The emergency rotate-and-revoke's own allowance (never spent by plain rotations or revocations). */
  emergencyRotationRateLimit: { burst: number; perDay: number };
  accessTokenLifetimeSeconds: number;
  /** HTTP server limits (node:http): slow or silent clients are cut off, oversized headers refused (431). */
  http: HttpLimits;
  /** Total time allowed to fetch SP metadata from a URL (CLI `clients add-saml --metadata URL`). */
  metadataFetchTimeoutMs: number;
  /** Rollover readiness: consumer sightings, strict rotation, the shorter cache of a young next key. */
  rollover: RolloverSettings;
  /** Certificate expiry watch and automatic renewal (src/keys/certificate-watch.ts). */
  certificates: CertificateWatchSettings;
  /** Delivery of the audit log to log streams (src/log-streams/). */
  logStreams: LogStreamSettings;
}

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
}

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function parseRollover(env: Env, metadataCacheSeconds: number): RolloverSettings {
  return Object.freeze({
    requireReady: boolean(env, 'FEDMETA_ROTATION_REQUIRE_READY', false),
    // Off unless set (the same as the cache duration): e.g. 300 for five minutes.
    youngKeyCacheSeconds: integer(env, 'FEDMETA_YOUNG_KEY_CACHE_SECONDS', metadataCacheSeconds, 0, metadataCacheSeconds),
    sightingFlushSeconds: integer(env, 'FEDMETA_SIGHTING_FLUSH_SECONDS', 5, 1, 3600),
    sightingRetentionDays: integer(env, 'FEDMETA_SIGHTING_RETENTION_DAYS', 30, 1, 3650),
  });
}

function parseIssuer(env: Env): URL {
  const raw = env.FEDMETA_ISSUER?.trim() || 'http://localhost:3000';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('FEDMETA_ISSUER', `must be an absolute http(s) URL (got "${raw}")`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('FEDMETA_ISSUER', `must use http or https (got "${url.protocol}")`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new ConfigError('FEDMETA_ISSUER', 'must not carry a query, fragment or credentials');
  }
  if (raw.endsWith('/')) throw new ConfigError('FEDMETA_ISSUER', `must not end with "/" (got "${raw}")`);
  return url;
}

function parseDatabase(env: Env, cwd: string): DatabaseConfig {
  const raw = env.FEDMETA_DATABASE_URL?.trim() || 'sqlite:./data/fedmeta.db';
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (!path) throw new ConfigError('FEDMETA_DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/fedmeta.db');
    return { kind: 'sqlite', path: resolve(cwd, path) };
  }
  if (raw.startsWith('postgres://') || raw.startsWith('postgresql://')) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('FEDMETA_DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw };
  }
  throw new ConfigError('FEDMETA_DATABASE_URL', `must start with sqlite: or postgres:// (got "${raw.split(':')[0]}:…")`);
}

export function parseKek(raw: string, name = 'FEDMETA_KEK'): Buffer {
  const text = raw.trim();
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(text)) throw new ConfigError(name, 'must be base64url (32 random bytes)');
  const key = Buffer.from(text, 'base64url');
  if (key.length !== 32) throw new ConfigError(name, `must decode to 32 bytes (got ${key.length}); create one with: openssl rand -base64 32 | tr '+/' '-_' | tr -d '='`);
  return key;
}

/** Environment first; a `.env`-style file (FEDMETA_ENV_FILE, default ./.env) may add unset variables. */
export function readEnvironment(env: Env = process.env, cwd = process.cwd()): Env {
  const file = resolve(cwd, env.FEDMETA_ENV_FILE || '.env');
  if (!existsSync(file)) {
    if (env.FEDMETA_ENV_FILE) throw new ConfigError('FEDMETA_ENV_FILE', `file not found: ${file}`);
    return { ...env };
  }
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { ...fromFile, ...env };
}

export function loadConfig(env: Env = readEnvironment(), cwd = process.cwd()): Config {
  const issuer = parseIssuer(env);
  const database = parseDatabase(env, cwd);
  const keySize = integer(env, 'FEDMETA_KEY_SIZE', 2048, 2048, 4096);
  if (keySize !== 2048 && keySize !== 3072 && keySize !== 4096) {
    throw new ConfigError('FEDMETA_KEY_SIZE', `must be 2048, 3072 or 4096 (got ${keySize})`);
  }
  const kek = env.FEDMETA_KEK?.trim() ? parseKek(env.FEDMETA_KEK) : undefined;
  if (!kek && database.kind === 'postgres') {
    throw new ConfigError('FEDMETA_KEK', 'is required with a PostgreSQL database (every instance must use the same key)');
  }
  const entityId = env.FEDMETA_SAML_ENTITY_ID?.trim() || `urn:${issuer.hostname}`;
  const host = env.HOST?.trim() || '127.0.0.1';
  const metadataCacheSeconds = integer(env, 'FEDMETA_METADATA_CACHE_SECONDS', 3600, 0, 31_536_000);
  return Object.freeze({
    issuer: issuer.href.replace(/\/$/, ''),
    issuerHost: issuer.hostname,
    host,
    port: integer(env, 'PORT', 3000, 0, 65535),
    database: Object.freeze(database),
    kek,
    samlEntityId: entityId,
    keySize,
    certDays: integer(env, 'FEDMETA_CERT_DAYS', 3650, 1, 36500),
    metadataCacheSeconds,
    metadataSigner: parseMetadataSigner(env),
    metadataSignerCertDays: integer(env, 'FEDMETA_METADATA_SIGNER_CERT_DAYS', 7300, 1, 36500),
    rotationRateLimit: Object.freeze({
      burst: integer(env, 'FEDMETA_ROTATION_RATE_BURST', 5, 1, 1_000_000),
      perDay: integer(env, 'FEDMETA_ROTATION_RATE_PER_DAY', 5, 1, 1_000_000),
    }),
    emergencyRotationRateLimit: Object.freeze({
      burst: integer(env, 'FEDMETA_EMERGENCY_ROTATION_RATE_BURST', 3, 1, 1_000_000),
      perDay: integer(env, 'FEDMETA_EMERGENCY_ROTATION_RATE_PER_DAY', 3, 1, 1_000_000),
    }),
    accessTokenLifetimeSeconds: integer(env, 'FEDMETA_ACCESS_TOKEN_LIFETIME_SECONDS', 86400, 60, 2_592_000),
    http: parseHttpLimits(env),
    metadataFetchTimeoutMs: integer(env, 'FEDMETA_METADATA_FETCH_TIMEOUT_MS', 10_000, 100, 120_000),
    rollover: parseRollover(env, metadataCacheSeconds),
    certificates: parseCertificateWatch(env),
    logStreams: parseLogStreamSettings(env),
  });
}

function parseCertificateWatch(env: Env): CertificateWatchSettings {
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

function parseLogStreamSettings(env: Env): LogStreamSettings {
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

function parseMetadataSigner(env: Env): 'dedicated' | 'current' {
  const raw = env.FEDMETA_METADATA_SIGNER?.trim() || 'dedicated';
  if (raw !== 'dedicated' && raw !== 'current') throw new ConfigError('FEDMETA_METADATA_SIGNER', `must be dedicated or current (got "${raw}")`);
  return raw;
}

function parseHttpLimits(env: Env): HttpLimits {
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
  });
}
