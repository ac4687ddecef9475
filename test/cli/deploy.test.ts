// Issue 14 item 8: what deploy/ ships is usable as is. The systemd unit passes `systemd-analyze verify`
// (which also checks that ExecStart's program exists), starts node itself on bin/fedmeta.js serve and
// allows more time to stop than the graceful drain takes; the example settings pass fedmeta's own
// start-up validation.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { loadConfig } from '../../src/config.js';
import { skipBecause } from '../helpers/optional.js';
import { tempDir, TEST_KEK } from '../helpers/server.js';

const UNIT = 'deploy/fedmeta.service';
const setting = (unit: string, name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];

describe('deploy/: systemd unit and example settings (issue 14)', () => {
  it('the unit runs node on bin/fedmeta.js serve, stops it with SIGTERM and waits longer than the default grace', () => {
    const unit = readFileSync(UNIT, 'utf8');
    expect(setting(unit, 'ExecStart')).to.match(/^\/usr\/bin\/node \S+\/bin\/fedmeta\.js serve$/);
    expect(setting(unit, 'KillSignal')).to.equal('SIGTERM');
    const grace = loadConfig({ FEDMETA_ENV_FILE: '/dev/null' }).http.shutdownGraceMs;
    expect(Number(setting(unit, 'TimeoutStopSec')) * 1000).to.be.greaterThan(grace);
  });

  it('systemd-analyze verify accepts the unit (and refuses a broken copy, so the check can fail)', function () {
    const probe = spawnSync('systemd-analyze', ['--version']);
    if (probe.error) skipBecause(this, 'systemd-analyze is not installed (Debian package systemd)');
    const verify = (path: string) => spawnSync('systemd-analyze', ['verify', path], { encoding: 'utf8' }).stderr.trim();
    expect(verify(UNIT)).to.equal('');
    const broken = join(tempDir(), 'fedmeta.service');
    writeFileSync(broken, readFileSync(UNIT, 'utf8').replace('Type=exec', 'Type=sometimes'));
    expect(verify(broken)).to.match(/Failed to parse service type/);
  });

  it('deploy/fedmeta.env.example passes start-up validation', () => {
    const env = parseEnv(readFileSync('deploy/fedmeta.env.example', 'utf8'));
    const config = loadConfig({ ...env, FEDMETA_KEK: TEST_KEK, FEDMETA_ENV_FILE: '/dev/null' });
    expect(config.issuer).to.equal('https://idp.example.com');
    expect(config.trustProxy?.entries).to.deep.equal(['127.0.0.1']);
  });
});
