// fedmeta keys policy [--json]: the rotation policy, the next scheduled rotation and revocations, as
// GET /api/v2/keys/signing/policy answers them.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { currentRotationPolicy, type RotationPolicyReport } from '../keys/policy-report.js';
import type { Io } from './output.js';

function printPolicy(report: RotationPolicyReport, io: Io): void {
  io.out(`rotate every:           ${report.rotate_every ?? 'never by itself (manual rotation only)'}\n`);
  io.out(`next key least age:     ${report.next_min_age ?? 'none'}\n`);
  io.out(`revoke previous after:  ${report.revoke_previous_after ?? 'never by itself'}\n`);
  io.out(`require readiness:      ${report.require_ready ? 'yes' : 'no'}\n`);
  io.out(`next rotation:          ${report.next_rotation_at ?? '-'}\n`);
  for (const { kid, revoke_at } of report.scheduled_revocations) io.out(`revocation of ${kid}: ${revoke_at}\n`);
}

export async function policyCommand(rest: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
  const report = await currentRotationPolicy(services.keys, services.config);
  if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
  else printPolicy(report, io);
  return 0;
}
