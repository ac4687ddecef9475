// What a rotation warns about (and what strict mode refuses with): the applications and the recent
// anonymous consumers that do not trust the next key yet.
import { applicationNeedsAttention, type RolloverReport } from './report.js';

export type RolloverWarning =
  | { code: 'application_not_ready'; client_id: string; name: string; state: string; metadata_urls: string[]; message: string }
  | { code: 'consumer_not_ready'; document: string; user_agent: string | null; address: string | null; last_seen_at: string; message: string };

export function rolloverWarnings(report: RolloverReport): RolloverWarning[] {
  const next = report.next?.kid ?? '';
  const applications = report.applications.filter(applicationNeedsAttention).map(
    (app): RolloverWarning => ({
      code: 'application_not_ready',
      client_id: app.client_id,
      name: app.name,
      state: app.state,
      metadata_urls: app.metadata_urls,
      message:
        app.state === 'unknown'
          ? `${app.name} never fetched its own metadata URL; it may not trust ${next}`
          : `${app.name} does not trust the next key ${next} yet`,
    }),
  );
  const consumers = report.consumers
    .filter((consumer) => consumer.recent && !consumer.holds_next)
    .map(
      (consumer): RolloverWarning => ({
        code: 'consumer_not_ready',
        document: consumer.document,
        user_agent: consumer.user_agent,
        address: consumer.address,
        last_seen_at: consumer.last_seen_at,
        message: `A consumer of the ${consumer.document} (${consumer.user_agent ?? 'no user agent'}, ${consumer.address ?? 'no address'}) last fetched it without ${next}`,
      }),
    );
  return [...applications, ...consumers];
}
