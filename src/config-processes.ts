// How a server runs on this machine: how many processes share the port, and how long completed
// sign-ins may wait in memory before their group commit. src/config.ts puts them into the Config.
import { availableParallelism } from 'node:os';
import { ConfigError, integer, type Env } from './config-values.js';

export interface ProcessSettings {
  /** FEDMETA_WORKERS: server processes on one port (node:cluster); 1 runs the server in this process. */
  workers: number;
  /**
   * FEDMETA_SIGNIN_COMMIT_MS: completed sign-ins (session participants, sign-in audit entries) are
   * committed in groups at least this often; a crash loses at most this window of them. 0: each
   * sign-in commits before it answers.
   */
  signInCommitMs: number;
}

const MAX_WORKERS = 64;

function parseWorkers(env: Env): number {
  const raw = env.FEDMETA_WORKERS?.trim();
  if (raw === 'auto') return Math.min(MAX_WORKERS, availableParallelism());
  if (raw && !/^\d+$/.test(raw)) throw new ConfigError('FEDMETA_WORKERS', `must be a whole number or auto (one per core) (got "${raw}")`);
  return integer(env, 'FEDMETA_WORKERS', 1, 1, MAX_WORKERS);
}

export function parseProcessSettings(env: Env): ProcessSettings {
  return Object.freeze({ workers: parseWorkers(env), signInCommitMs: integer(env, 'FEDMETA_SIGNIN_COMMIT_MS', 50, 0, 1000) });
}
