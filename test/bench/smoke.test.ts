// `npm run bench -- --smoke` in CI: one very short round of every bench row, checking its outputs
// (signatures verify, nginx serves fedmeta's bytes, every wrk answer succeeds) and no timings.
// The server runs from dist/ as in production (npm test builds it first).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { skipBecause } from '../helpers/optional.js';
import { NGINX } from '../helpers/nginx.js';
import { WRK } from '../../bench/wrk.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm run bench -- --smoke', function () {
  this.timeout(300_000);

  it('runs every row once and finds every output correct', function () {
    if (!WRK) skipBecause(this, 'wrk is not installed (Debian package wrk)');
    if (!NGINX) skipBecause(this, 'nginx is not installed (Debian package nginx-light)');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);
    for (const check of ['signResponse output verifies', 'its assertion verifies against /rawpem', 'nginx serves the same bytes as fedmeta at /samlp/metadata', 'wrk sp-sso', 'wrk metadata-nginx']) {
      expect(run.stdout).to.include(`ok  ${check}`);
    }
    expect(run.stdout).to.match(/smoke: all outputs correct\n$/);
    expect(run.stdout, 'the smoke prints no timings').not.to.match(/\/s\b|ms\b/);
  });
});
