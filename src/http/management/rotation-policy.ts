// GET /api/v2/keys/signing/policy: the rotation policy settings, the next scheduled rotation and the
// scheduled revocations of previous keys.
import type { Context } from 'koa';
import type { AppDeps } from '../context.js';
import { currentRotationPolicy } from '../../keys/policy-report.js';

export function rotationPolicyHandler({ keys, config }: AppDeps) {
  return async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await currentRotationPolicy(keys, config);
  };
}
