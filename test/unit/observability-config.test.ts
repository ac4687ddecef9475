import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ FEDMETA_ENV_FILE: '/dev/null', ...env }, '/srv');

describe('log and metrics settings', () => {
  it('default: level info on stdout, no metrics listener', () => {
    const config = load({});
    expect(config.logs).to.deep.equal({ level: 'info', file: undefined });
    expect(config.metrics).to.equal(undefined);
  });

  it('reads FEDMETA_LOG_LEVEL, FEDMETA_LOG_FILE (relative to the working directory), FEDMETA_METRICS_PORT and FEDMETA_METRICS_HOST', () => {
    const config = load({ FEDMETA_LOG_LEVEL: 'debug', FEDMETA_LOG_FILE: 'log/fedmeta.log', FEDMETA_METRICS_PORT: '9464' });
    expect(config.logs).to.deep.equal({ level: 'debug', file: '/srv/log/fedmeta.log' });
    expect(config.metrics).to.deep.equal({ host: '127.0.0.1', port: 9464 });
    expect(load({ FEDMETA_METRICS_PORT: '9464', FEDMETA_METRICS_HOST: '::1' }).metrics).to.deep.equal({ host: '::1', port: 9464 });
  });

  it('stops start-up on a bad value, naming the variable', () => {
    const cases: [Record<string, string>, string][] = [
      [{ FEDMETA_LOG_LEVEL: 'verbose' }, 'FEDMETA_LOG_LEVEL'],
      [{ FEDMETA_LOG_LEVEL: 'INFO' }, 'FEDMETA_LOG_LEVEL'],
      [{ FEDMETA_METRICS_PORT: 'http' }, 'FEDMETA_METRICS_PORT'],
      [{ FEDMETA_METRICS_PORT: '70000' }, 'FEDMETA_METRICS_PORT'],
      [{ FEDMETA_METRICS_PORT: '3000', PORT: '3000' }, 'FEDMETA_METRICS_PORT'],
      [{ FEDMETA_METRICS_HOST: '0.0.0.0' }, 'FEDMETA_METRICS_HOST'],
      [{ FEDMETA_METRICS_PORT: '9464', FEDMETA_METRICS_HOST: 'a b' }, 'FEDMETA_METRICS_HOST'],
    ];
    for (const [env, name] of cases) expect(() => load(env), JSON.stringify(env)).to.throw(ConfigError, new RegExp(`^${name}: `));
  });
});
