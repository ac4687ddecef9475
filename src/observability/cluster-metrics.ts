// Metrics under FEDMETA_WORKERS: the workers do not listen on the metrics port; the primary does, and a
// scrape asks every worker for its registry over the cluster channel and sums them (prom-client's
// AggregatorRegistry). Counters and histograms add up; each gauge says how it aggregates (metrics.ts).
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSource } from './metrics.js';

/** In a worker: answer the primary's requests with this server's registry. */
export function offerMetricsToPrimary(registry: Registry): void {
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

/** In the primary: every connected worker's metrics, aggregated (a worker that does not answer within 5 s fails the scrape). */
export function workersMetrics(): MetricsSource {
  const aggregator = new AggregatorRegistry();
  return { metrics: () => aggregator.clusterMetrics(), contentType: aggregator.contentType };
}
