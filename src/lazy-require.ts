// CommonJS packages a server may never need, loaded on first use instead of at start-up: the PKCS#11
// binding (without an HSM) and pino-pretty (without a terminal). With the PostgreSQL store imported
// only for a postgres:// URL, a SQLite server does without about 6 MB of resident memory (the three
// loaded after fedmeta's other packages, measured with process.memoryUsage()).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
