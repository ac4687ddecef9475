// The certificate expiry watch, a small periodic job started by the server and stopped on close:
// it renews a published key's certificate that is within FEDMETA_CERT_AUTO_RENEW_DAYS of expiry
// (idempotent inside the key-change transaction, so two instances never renew twice) and announces
// certificates still within FEDMETA_CERT_WARN_DAYS once a day for the whole deployment (a shared
// one-token-a-day bucket per key): a server log line and an audit event. Time comes from the clock.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import { type Actor } from '../audit/types.js';
import type { KeyService } from './service.js';
import type { PublishedKeyCache } from './formats.js';
import { expiringCertificates, expiryWarning, type ExpiringCertificate } from './expiry.js';
import type { KeyRecord } from './types.js';
import { PeriodicJob } from '../periodic-job.js';

export const SCHEDULER_ACTOR: Actor = { type: 'system', id: 'scheduler' };
const ONCE_A_DAY = { burst: 1, perDay: 1 };

export interface CertificateWatchDeps {
  config: Pick<Config, 'certDays' | 'certificates'>;
  keys: KeyService;
  store: Store;
  clock: Clock;
  publishedKeys: PublishedKeyCache;
  /** Where warnings and failed passes go (default console.warn / stderr). */
  warn?: (line: string) => void;
}

export class CertificateWatch {
  private readonly job: PeriodicJob;

  constructor(private readonly deps: CertificateWatchDeps) {
    this.job = new PeriodicJob('certificate watch', deps.config.certificates.checkIntervalMs, () => this.check(), deps.warn);
  }

  /** Check now, then every FEDMETA_CERT_CHECK_INTERVAL_MS until stop(). */
  start(): void {
    this.job.start({ runNow: true });
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** One pass (concurrent callers share it); never throws: a failure is logged and retried next time. */
  tick(): Promise<void> {
    return this.job.tick();
  }

  private expiring(keys: KeyRecord[], days: number): ExpiringCertificate[] {
    const published = keys.map((key) => ({ kid: key.kid, state: key.state, notAfter: this.deps.publishedKeys.of(key).notAfter }));
    return expiringCertificates(published, this.deps.clock.now(), days);
  }

  private async check(): Promise<void> {
    const { keys, config } = this.deps;
    if (config.certificates.autoRenewDays > 0) {
      const records = await keys.list();
      for (const due of this.expiring(records, config.certificates.autoRenewDays)) {
        const record = records.find((key) => key.kid === due.kid)!;
        await keys.renewCertificate(due.kid, config.certDays, SCHEDULER_ACTOR, record.certPem);
      }
    }
    for (const expiring of this.expiring(await keys.list(), config.certificates.warnDays)) await this.announce(expiring);
  }

  private async announce(expiring: ExpiringCertificate): Promise<void> {
    const { store, clock } = this.deps;
    const now = clock.now();
    const today = await store.takeRateLimit({ bucket: `certificate_expiring:${expiring.kid}`, policy: ONCE_A_DAY }, now);
    if (!today.allowed) return;
    const warning = expiryWarning(expiring);
    (this.deps.warn ?? console.warn)(`fedmeta: warning: ${warning.message}`);
    await store.appendAudit(
      { event: 'certificate_expiring', description: warning.message, actor: SCHEDULER_ACTOR, details: { kid: expiring.kid, state: expiring.state, expires_at: warning.expires_at, days_left: expiring.daysLeft } },
      now,
    );
  }
}
