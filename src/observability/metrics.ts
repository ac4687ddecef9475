// fedmeta's Prometheus metrics (prom-client), one Registry per running server: tests start many servers
// in one process, and each scrape sees only its own. Key gauges are computed at scrape time from the
// key-set snapshot the instance serves.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { KeySetSnapshot } from '../keys/keyring.js';
import type { Clock } from '../clock.js';

/** Every document type fedmeta signs: the `document` label of fedmeta_signatures_total. */
export type SignedDocument = 'saml2_response' | 'saml2_assertion' | 'saml2_logout' | 'wsfed_saml11_assertion' | 'wsfed_saml2_assertion' | 'metadata' | 'jwt';
export type SignInProtocol = 'saml2' | 'wsfed' | 'password' | 'client_credentials';

/** What a scrape reads: a prom-client Registry, or the workers' registries aggregated (cluster-metrics.ts). */
export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsSources {
  /** The key set this instance serves now. */
  keySet: () => KeySetSnapshot;
  clock: Clock;
}

const SECONDS = (ms: number) => Math.round(ms / 1000);

export class FedmetaMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({ name: 'fedmeta_http_requests_total', help: 'HTTP requests answered, by route name, method and status', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'fedmeta_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route name, method and status',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly signatures = new Counter({ name: 'fedmeta_signatures_total', help: 'Signatures made, by document type', labelNames: ['document'], registers: [this.registry] });
  readonly signIns = new Counter({ name: 'fedmeta_sign_ins_total', help: 'Sign-ins and token requests, by protocol and result', labelNames: ['protocol', 'result'], registers: [this.registry] });
  readonly rotations = new Counter({ name: 'fedmeta_key_rotations_total', help: 'Signing key rotations committed by this instance, by kind (rotate, emergency)', labelNames: ['kind'], registers: [this.registry] });
  readonly revocations = new Counter({ name: 'fedmeta_key_revocations_total', help: 'Signing keys revoked by this instance', registers: [this.registry] });
  readonly storeErrors = new Counter({ name: 'fedmeta_store_errors_total', help: 'Store calls that failed (not refusals), by operation', labelNames: ['operation'], registers: [this.registry] });

  constructor(sources: MetricsSources, options: { processMetrics?: boolean } = {}) {
    const { registry } = this;
    new Gauge({
      name: 'fedmeta_key_set_version',
      help: 'The key-set version this instance serves (moves on every committed key change)',
      registers: [registry],
      // Under FEDMETA_WORKERS, the lowest of the workers': the one a lagging worker serves.
      aggregator: 'min',
      collect() {
        this.set(sources.keySet().version);
      },
    });
    const perKey = (name: string, help: string, value: (snapshot: KeySetSnapshot, kid: string, now: number) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['kid', 'state'],
        registers: [registry],
        // Every worker computes the same value from the same key set.
        aggregator: 'first',
        collect() {
          this.reset();
          const snapshot = sources.keySet();
          const now = sources.clock.now().getTime();
          for (const key of snapshot.published) this.set({ kid: key.kid, state: key.state }, value(snapshot, key.kid, now));
        },
      });
    perKey('fedmeta_signing_key_age_seconds', 'Age of each published signing key, by kid and state', (snapshot, kid, now) => {
      const record = snapshot.keys.find((key) => key.kid === kid);
      return record ? SECONDS(now - record.createdAt.getTime()) : 0;
    });
    perKey('fedmeta_signing_key_certificate_expiry_seconds', 'Seconds until the certificate of each published signing key expires (negative: expired)', (snapshot, kid, now) =>
      SECONDS(snapshot.byKid.get(kid)!.notAfter.getTime() - now),
    );
    if (options.processMetrics) collectDefaultMetrics({ register: registry });
  }

  signed(document: SignedDocument, count = 1): void {
    this.signatures.inc({ document }, count);
  }

  signIn(protocol: SignInProtocol, success: boolean): void {
    this.signIns.inc({ protocol, result: success ? 'success' : 'failure' });
  }
}
