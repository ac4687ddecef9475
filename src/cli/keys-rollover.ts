// fedmeta keys status [--json] | acknowledge CLIENT_ID [--kid KID]: rollover readiness, the same
// RolloverService as the Management API and the dashboard.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import type { RolloverReport } from '../rollover/report.js';
import type { RolloverWarning } from '../rollover/warnings.js';
import { table, UsageError, type Io } from './output.js';
import type { Actor } from '../audit/types.js';
import { FedmetaError } from '../errors.js';

function printReport(report: RolloverReport, io: Io): void {
  const trusting = report.applications.filter((app) => app.state === 'ready' || app.state === 'acknowledged').length;
  io.out(`next key: ${report.next ? `${report.next.kid} (published since ${report.next.published_since})` : 'none'}\n`);
  io.out(`ready:    ${report.ready ? 'yes' : 'no'} (${trusting} of ${report.applications.length} applications already trust the next key)\n\n`);
  if (report.applications.length > 0) {
    io.out(
      table([
        ['STATE', 'CLIENT_ID', 'NAME', 'DELIVERY', 'LAST FETCHED', 'METADATA URL'],
        ...report.applications.map((app) => [app.state, app.client_id, app.name, app.certificate_delivery, app.last_fetched_at ?? '-', app.metadata_urls.join(' ')]),
      ]),
    );
  }
  if (report.consumers.length > 0) {
    io.out('\nother consumers (IdP-wide metadata, JWKS, certificates):\n');
    io.out(
      table([
        ['HOLDS NEXT', 'DOCUMENT', 'USER AGENT', 'ADDRESS', 'LAST SEEN'],
        ...report.consumers.map((c) => [c.holds_next ? 'yes' : 'no', c.document, c.user_agent ?? '-', c.address ?? '-', c.last_seen_at]),
      ]),
    );
  }
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

export async function rolloverCommand(sub: 'status' | 'acknowledge', rest: string[], services: Services, io: Io, actor: Actor): Promise<number> {
  if (sub === 'status') {
    const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
    const report = await services.rollover.report();
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report, io);
    return 0;
  }
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { kid: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError('usage: fedmeta keys acknowledge CLIENT_ID [--kid KID]');
  const kid = values.kid ?? (await services.keys.list()).find((key) => key.state === 'next')?.kid;
  const done = await services.rollover.acknowledge({ clientId: positionals[0], kid }, actor);
  io.out(`acknowledged: ${done.client_id} has the certificate of ${done.kid}\n`);
  return 0;
}
