// Owner-only files for the embedded store: the data directory 0700, the database, its -wal/-shm
// companions and the kek file 0600. SQLite creates -wal/-shm with the database file's mode, so the
// database file is created 0600 before SQLite opens it (and WAL is enabled). Files a previous version
// (or another tool) left readable by others are tightened at start, with a warning.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export const DATA_DIR_MODE = 0o700;
export const SECRET_FILE_MODE = 0o600;

/** chmod 600 when others can read it; returns the warning to show, if any. */
export function tightenFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  try {
    chmodSync(path, SECRET_FILE_MODE);
  } catch {
    return `${path} is readable by other users (mode ${mode.toString(8)}) and could not be changed; run chmod 600 ${path}`;
  }
  return `${path} was readable by other users (mode ${mode.toString(8)}); changed it to 600`;
}

/** Prepare the directory and files of a SQLite database at `path`; returns warnings. */
export function secureSqliteFiles(path: string): string[] {
  const warnings: string[] = [];
  const dir = dirname(path);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: DATA_DIR_MODE });
    chmodSync(dir, DATA_DIR_MODE);
  } else {
    // An existing directory may be shared (the working directory): warn, do not change it.
    const mode = statSync(dir).mode & 0o777;
    if (mode & 0o077) warnings.push(`the data directory ${dir} is accessible to other users (mode ${mode.toString(8)}); run chmod 700 ${dir}`);
  }
  if (!existsSync(path)) {
    try {
      closeSync(openSync(path, 'wx', SECRET_FILE_MODE));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const warning = tightenFile(file);
    if (warning) warnings.push(warning);
  }
  return warnings;
}
