// The building blocks of configuration parsing: the error that stops start-up naming a variable, and
// readers of whole numbers and booleans with their bounds.
import { isIP } from 'node:net';

export class ConfigError extends Error {
  constructor(readonly variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number (got "${raw}")`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Where to listen (HOST, `serve --host`): an IP address or a host name. */
export function hostName(env: Env, name: string, fallback = '127.0.0.1'): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (isIP(raw) === 0 && !HOST_NAME.test(raw)) throw new ConfigError(name, `must be an IP address or a host name (got "${raw.slice(0, 100)}")`);
  return raw;
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

const DURATION_UNITS_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000 };

/** A duration such as `90d`, `12h` or `30m`, in milliseconds; undefined when unset. At most 100 years. */
export function duration(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const match = /^(\d+)([dhm])$/.exec(raw);
  if (!match) throw new ConfigError(name, `must be a duration such as 90d, 12h or 30m (got "${raw}")`);
  const value = Number(match[1]) * DURATION_UNITS_MS[match[2]!]!;
  if (value <= 0 || value > 36_500 * 86_400_000) throw new ConfigError(name, `must be more than 0 and at most 36500d (got "${raw}")`);
  return value;
}
