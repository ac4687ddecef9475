// Probes for load balancers and orchestrators. Liveness (/healthz) is answered by the route table
// itself: the process is up. Readiness (/readyz): the store answers, the key set is loaded and the
// current key's private key opens (or is still in the PKCS#11 token), so this instance can sign and accept changes (a current key that
// does not open answers 503 with reason key_unavailable). Published documents are served from memory
// either way; a not-ready instance only refuses state-changing calls. `warnings` lists certificates
// that expire within FEDMETA_CERT_WARN_DAYS: a warning, never a reason to answer 503.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { expiringCertificates, expiryWarning, type ExpiryWarning } from '../keys/expiry.js';

const DATABASE_PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function readinessHandler({ store, keyring, clock, config }: Pick<AppDeps, 'store' | 'keyring' | 'clock' | 'config'>) {
  return async (ctx: Context) => {
    let loaded: { version: number; current: string; unavailable?: string | undefined } | undefined;
    let warnings: ExpiryWarning[] = [];
    try {
      const snapshot = keyring.snapshot;
      // A key in a PKCS#11 token is looked for on each probe: deleted from the token, it is not ready.
      loaded = { version: snapshot.version, current: snapshot.currentKid, unavailable: snapshot.unavailable?.message ?? snapshot.signingKey?.check() };
      warnings = expiringCertificates(snapshot.published, clock.now(), config.certificates.warnDays).map(expiryWarning);
    } catch {
      loaded = undefined;
    }
    let database: { status: 'ok'; keysVersion: number } | { status: 'unreachable'; message: string };
    try {
      const versions = await withTimeout(store.versions(), DATABASE_PROBE_TIMEOUT_MS);
      database = { status: 'ok', keysVersion: versions.keys };
    } catch (error) {
      database = { status: 'unreachable', message: (error as Error).message };
    }
    // A current key that does not open: fail closed (sign-in and tokens answer 503 key_unavailable).
    const ready = database.status === 'ok' && loaded !== undefined && loaded.unavailable === undefined;
    ctx.status = ready ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      status: ready ? 'ready' : 'not_ready',
      store: store.kind,
      database: database.status,
      ...(database.status === 'unreachable' ? { message: database.message } : {}),
      ...(loaded?.unavailable !== undefined ? { reason: 'key_unavailable' } : {}),
      keys: loaded
        ? {
            loaded: true,
            version: loaded.version,
            current: loaded.current,
            ...(loaded.unavailable !== undefined ? { signing: 'unavailable', message: loaded.unavailable } : {}),
          }
        : { loaded: false },
      warnings,
    };
  };
}
