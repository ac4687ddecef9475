// CommonJS packages a server may never need, loaded on first use instead of at start-up: the PKCS#11
// binding (without an HSM), pino-pretty (without a terminal) and node-forge (until a certificate is
// made). require() keeps one instance of each, as a static import would. (The PostgreSQL store stays a
// static import: loaded by import() it became a second instance of fedmeta's own modules under the test
// loader, and its errors failed instanceof.)
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function lazyRequire<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
