// The only module that reads the environment. It validates every setting once at start-up
// and returns a frozen, typed object; an invalid value stops start-up with one line naming it.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, hostName, integer, type Env } from './config-values.js';
import { parseProcessSettings, type ProcessSettings } from './config-processes.js';
import { parseAddressList, type AddressList } from './net/address-list.js';
import { parseAuditRetention, parseCertificateWatch, parseHttpLimits, parseLogStreamSettings, parseRollover, parseRotationPolicy, type CertificateWatchSettings, type HttpLimits, type LogStreamSettings, type RolloverSettings, type RotationPolicy } from './config-sections.js';

import { parseKeyBackend, type KeyBackendSettings } from './config-key-backend.js';
import { parseLogSettings, parseMetricsSettings, type LogSettings, type MetricsSettings } from './config-observability.js';

export { ConfigError } from './config-values.js';
export type { ProcessSettings } from './config-processes.js';
export type { KeyBackendSettings, Pkcs11Settings } from './config-key-backend.js';
export type { LogSettings, MetricsSettings } from './config-observability.js';
export type { CertificateWatchSettings, HttpLimits, LogStreamSettings, RolloverSettings, RotationPolicy } from './config-sections.js';


export type DatabaseConfig =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface Config extends KeyBackendSettings {
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
  /** Rotation policy: scheduled rotation, the next key's least age, automatic revocation of previous keys. */
  rotationPolicy: RotationPolicy;
  /** Certificate expiry watch and automatic renewal (src/keys/certificate-watch.ts). */
  certificates: CertificateWatchSettings;
  /** Delivery of the audit log to log streams (src/log-streams/). */
  logStreams: LogStreamSettings;
  /** Server processes (FEDMETA_WORKERS) and the sign-in group commit (FEDMETA_SIGNIN_COMMIT_MS). */
  processes: ProcessSettings;
  /** Audit entries older than this are deleted by the periodic purge (FEDMETA_AUDIT_RETENTION). */
  auditRetentionMs: number;
  /** FEDMETA_LOG_LEVEL, FEDMETA_LOG_FILE. */
  logs: LogSettings;
  /** The Prometheus listener (FEDMETA_METRICS_PORT, FEDMETA_METRICS_HOST); undefined: none. */
  metrics: MetricsSettings | undefined;
  /** Reverse proxies whose X-Forwarded-For is believed (FEDMETA_TRUST_PROXY); undefined: none. */
  trustProxy: AddressList | undefined;
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
  const host = hostName(env, 'HOST');
  const metadataCacheSeconds = integer(env, 'FEDMETA_METADATA_CACHE_SECONDS', 3600, 0, 31_536_000);
  const port = integer(env, 'PORT', 3000, 0, 65535);
  return Object.freeze({
    issuer: issuer.href.replace(/\/$/, ''),
    issuerHost: issuer.hostname,
    host,
    port,
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
    rotationPolicy: parseRotationPolicy(env),
    certificates: parseCertificateWatch(env),
    logStreams: parseLogStreamSettings(env),
    processes: parseProcessSettings(env),
    auditRetentionMs: parseAuditRetention(env),
    logs: parseLogSettings(env, cwd),
    metrics: parseMetricsSettings(env, port),
    trustProxy: parseTrustProxy(env),
    ...parseKeyBackend(env, cwd),
  });
}

function parseTrustProxy(env: Env): AddressList | undefined {
  const raw = env.FEDMETA_TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return undefined;
  try {
    return parseAddressList(raw);
  } catch (error) {
    throw new ConfigError('FEDMETA_TRUST_PROXY', (error as Error).message);
  }
}

function parseMetadataSigner(env: Env): 'dedicated' | 'current' {
  const raw = env.FEDMETA_METADATA_SIGNER?.trim() || 'dedicated';
  if (raw !== 'dedicated' && raw !== 'current') throw new ConfigError('FEDMETA_METADATA_SIGNER', `must be dedicated or current (got "${raw}")`);
  return raw;
}
