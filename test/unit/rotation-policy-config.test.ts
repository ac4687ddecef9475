import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ FEDMETA_ENV_FILE: '/dev/null', ...env }, '/srv');

describe('rotation policy settings', () => {
  it('default: manual rotation only, no least age, never revoke automatically', () => {
    expect(load({}).rotationPolicy).to.deep.equal({ rotateEveryMs: undefined, nextMinAgeMs: 0, revokePreviousAfterMs: undefined, checkIntervalMs: 60_000 });
  });

  it('reads durations in days, hours and minutes', () => {
    const policy = load({ FEDMETA_ROTATE_EVERY: '90d', FEDMETA_NEXT_MIN_AGE: '12h', FEDMETA_REVOKE_PREVIOUS_AFTER: '30m' }).rotationPolicy;
    expect(policy).to.deep.equal({ rotateEveryMs: 90 * 86_400_000, nextMinAgeMs: 12 * 3_600_000, revokePreviousAfterMs: 30 * 60_000, checkIntervalMs: 60_000 });
  });

  it('stops start-up on a malformed or inconsistent value, naming the variable', () => {
    for (const [name, value] of [['FEDMETA_ROTATE_EVERY', '90'], ['FEDMETA_NEXT_MIN_AGE', '7 days'], ['FEDMETA_REVOKE_PREVIOUS_AFTER', '0d'], ['FEDMETA_ROTATE_EVERY', '-1d'], ['FEDMETA_ROTATE_EVERY', '36501d']] as const) {
      expect(() => load({ [name]: value }), `${name}=${value}`).to.throw(ConfigError, new RegExp(name));
    }
    expect(() => load({ FEDMETA_ROTATE_EVERY: '7d', FEDMETA_NEXT_MIN_AGE: '8d' })).to.throw(ConfigError, /FEDMETA_NEXT_MIN_AGE/);
  });
});
