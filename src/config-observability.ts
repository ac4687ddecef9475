// Settings of the operator's view: FEDMETA_LOG_LEVEL and FEDMETA_LOG_FILE (logs), FEDMETA_METRICS_PORT
// and FEDMETA_METRICS_HOST (the Prometheus listener, off unless a port is set).
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, integer, type Env } from './config-values.js';
import { LOG_LEVELS, type LogLevel } from './observability/logger.js';

export interface LogSettings {
  level: LogLevel;
  /** Append JSON lines to this file instead of writing them to stdout. */
  file?: string | undefined;
}

export interface MetricsSettings {
  host: string;
  /** 0 takes any free port (tests). */
  port: number;
}

export function parseLogSettings(env: Env, cwd: string): LogSettings {
  const level = env.FEDMETA_LOG_LEVEL?.trim() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigError('FEDMETA_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got "${level.slice(0, 40)}")`);
  }
  const file = env.FEDMETA_LOG_FILE?.trim();
  return Object.freeze({ level: level as LogLevel, file: file ? (isAbsolute(file) ? file : resolve(cwd, file)) : undefined });
}

/** undefined when FEDMETA_METRICS_PORT is unset: no metrics listener. */
export function parseMetricsSettings(env: Env, publicPort: number): MetricsSettings | undefined {
  if (!env.FEDMETA_METRICS_PORT?.trim()) {
    if (env.FEDMETA_METRICS_HOST?.trim()) throw new ConfigError('FEDMETA_METRICS_HOST', 'is set but FEDMETA_METRICS_PORT is not (no metrics listener would start)');
    return undefined;
  }
  const port = integer(env, 'FEDMETA_METRICS_PORT', 0, 0, 65535);
  if (port !== 0 && port === publicPort) throw new ConfigError('FEDMETA_METRICS_PORT', `must differ from PORT (${publicPort}): metrics are never served on the public port`);
  const host = env.FEDMETA_METRICS_HOST?.trim() || '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new ConfigError('FEDMETA_METRICS_HOST', `must be a host name or IP address (got "${host.slice(0, 40)}")`);
  return Object.freeze({ host, port });
}
