// fedmeta keys status [--json] | acknowledge CLIENT_ID [--kid KID]: rollover readiness, the same
// RolloverService as the Management API and the dashboard.
import type { RolloverReport } from '../rollover/report.js';
import type { RolloverWarning } from '../rollover/warnings.js';
import { cliActor, table, type Io } from './output.js';
import { FedmetaError } from '../errors.js';
import { command } from './command-spec.js';

function reportText(report: RolloverReport): string {
  const trusting = report.applications.filter((app) => app.state === 'ready' || app.state === 'acknowledged').length;
  let text = `next key: ${report.next ? `${report.next.kid} (published since ${report.next.published_since})` : 'none'}\n`;
  text += `ready:    ${report.ready ? 'yes' : 'no'} (${trusting} of ${report.applications.length} applications already trust the next key)\n\n`;
  if (report.applications.length > 0) {
    text += table([
      ['STATE', 'CLIENT_ID', 'NAME', 'DELIVERY', 'LAST FETCHED', 'METADATA URL'],
      ...report.applications.map((app) => [app.state, app.client_id, app.name, app.certificate_delivery, app.last_fetched_at ?? '-', app.metadata_urls.join(' ')]),
    ]);
  }
  if (report.consumers.length > 0) {
    text += '\nother consumers (IdP-wide metadata, JWKS, certificates):\n';
    text += table([
      ['HOLDS NEXT', 'DOCUMENT', 'USER AGENT', 'ADDRESS', 'LAST SEEN'],
      ...report.consumers.map((c) => [c.holds_next ? 'yes' : 'no', c.document, c.user_agent ?? '-', c.address ?? '-', c.last_seen_at]),
    ]);
  }
  return text;
}

/** Rotation warnings on stderr, one line each, so `--json` output on stdout stays parseable. */
export function printWarnings(warnings: RolloverWarning[], io: Io): void {
  for (const warning of warnings) io.err(`warning: ${warning.message}${'metadata_urls' in warning ? ` (${warning.metadata_urls.join(' ')})` : ''}\n`);
}

/** A strict-mode refusal lists who is not ready before main() prints the error itself. */
export function printRefusal(error: unknown, io: Io): never {
  if (error instanceof FedmetaError && error.code === 'rollover_not_ready') printWarnings(error.details.warnings as RolloverWarning[], io);
  throw error;
}

export const statusCommand = command({
  name: 'status',
  summary: 'rollover readiness: which applications and consumers already trust the next key',
  json: 'the readiness report, as GET /api/v2/keys/signing/rollover answers',
  run: async ({ services, print }) => {
    const report = await services.rollover.report();
    print(report, () => reportText(report));
  },
});

export const acknowledgeCommand = command<{ kid?: string }>({
  name: 'acknowledge',
  summary: "confirm that a manual-delivery application has the next key's certificate",
  arguments: [['<client_id>', 'the application (clients list shows its client_id)']],
  options: [['--kid <kid>', 'the key it has (default: the next key)']],
  json: '{ client_id, kid, … } of the acknowledgement',
  run: async ({ args, options, services, print }) => {
    const kid = options.kid ?? (await services.keys.list()).find((key) => key.state === 'next')?.kid;
    const done = await services.rollover.acknowledge({ clientId: args[0], kid }, cliActor());
    print(done, () => `acknowledged: ${done.client_id} has the certificate of ${done.kid}\n`);
  },
});
