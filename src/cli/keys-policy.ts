// fedmeta keys policy [--json]: the rotation policy, the next scheduled rotation and revocations, as
// GET /api/v2/keys/signing/policy answers them.
import { currentRotationPolicy, type RotationPolicyReport } from '../keys/policy-report.js';
import { command } from './command-spec.js';

function policyText(report: RotationPolicyReport): string {
  return [
    `rotate every:           ${report.rotate_every ?? 'never by itself (manual rotation only)'}`,
    `next key least age:     ${report.next_min_age ?? 'none'}`,
    `revoke previous after:  ${report.revoke_previous_after ?? 'never by itself'}`,
    `require readiness:      ${report.require_ready ? 'yes' : 'no'}`,
    `next rotation:          ${report.next_rotation_at ?? '-'}`,
    ...report.scheduled_revocations.map(({ kid, revoke_at }) => `revocation of ${kid}: ${revoke_at}`),
  ].join('\n') + '\n';
}

export const policyCommand = command({
  name: 'policy',
  summary: 'the rotation policy: its settings, the next scheduled rotation and revocations',
  json: 'the policy report, as GET /api/v2/keys/signing/policy answers',
  run: async ({ services, print }) => {
    const report = await currentRotationPolicy(services.keys, services.config);
    print(report, () => policyText(report));
  },
});
