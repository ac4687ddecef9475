// Where the key-encryption key comes from: FEDMETA_KEK, or (SQLite only) a key file beside the
// database, generated on the very first start. A store that already holds keys never gets a new KEK.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tightenFile } from '../store/file-modes.js';
import { dirname, join } from 'node:path';
import { ConfigError, parseKek, type Config } from '../config.js';
import type { KeyStore } from './key-store.js';

export interface ResolvedKek {
  kek: Buffer;
  source: 'environment' | 'file' | 'generated';
  path?: string;
  warning?: string;
}

export function kekFilePath(config: Config): string | undefined {
  return config.database.kind === 'sqlite' ? join(dirname(config.database.path), 'kek') : undefined;
}

export async function resolveKek(config: Config, store: Pick<KeyStore, 'listKeys'>): Promise<ResolvedKek> {
  if (config.kek) return { kek: config.kek, source: 'environment' };
  const path = kekFilePath(config);
  if (!path) throw new ConfigError('FEDMETA_KEK', 'is required with a PostgreSQL database');
  if (existsSync(path)) {
    const warning = tightenFile(path);
    return { kek: parseKek(readFileSync(path, 'utf8'), `key file ${path}`), source: 'file', path, ...(warning ? { warning } : {}) };
  }
  if ((await store.listKeys()).length > 0) {
    throw new ConfigError(
      'FEDMETA_KEK',
      `is not set and ${path} is missing, but the store already holds sealed signing keys; restore the key file or set FEDMETA_KEK (keys are never regenerated)`,
    );
  }
  const kek = randomBytes(32);
  try {
    writeFileSync(path, `${kek.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveKek(config, store);
    throw error;
  }
  return {
    kek,
    source: 'generated',
    path,
    warning: `generated a key-encryption key in ${path}; back it up, or set FEDMETA_KEK (required with PostgreSQL)`,
  };
}
