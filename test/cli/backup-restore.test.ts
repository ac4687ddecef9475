// Issue 14 ("Operating fedmeta"): the README's backup of an embedded store, tried as written. The
// database is copied with sqlite3's online .backup while the server runs and the key file beside it
// is copied; a server started on the copy publishes the same keys and is ready (every key opens). The
// copy without the key file does not start: keys are never regenerated.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, serveProcess } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/server.js';
import { stopInstance } from '../helpers/serve-processes.js';
import { skipBecause } from '../helpers/optional.js';
import { until } from '../helpers/wait.js';

const envFor = async (dir: string) => ({ FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'fedmeta.db')}`, HOST: '127.0.0.1', PORT: String(await freePort()), FEDMETA_ENV_FILE: '/dev/null' });

describe('backup and restore of the embedded store (README, "Operating fedmeta")', () => {
  it('sqlite3 .backup of the running database plus the key file restores the same, ready key set; without the key file it refuses to start', async function () {
    this.timeout(60_000);
    if (spawnSync('sqlite3', ['-version']).error) skipBecause(this, 'sqlite3 is not installed (Debian package sqlite3)');
    const [live, copy, copyWithoutKek] = [tempDir(), tempDir(), tempDir()];
    const liveEnv = await envFor(live);
    const running = await serveProcess(liveEnv);
    try {
      expect((await runCli(['keys', 'rotate'], liveEnv)).code).to.equal(0);
      let before = '';
      await until(async () => {
        before = await (await fetch(`${running.url}/.well-known/jwks.json`)).text();
        return (JSON.parse(before) as { keys: unknown[] }).keys.length === 3; // the rotation has reached the server
      }, 10_000, 'the rotation served');
      for (const target of [copy, copyWithoutKek]) {
        const backup = spawnSync('sqlite3', [join(live, 'fedmeta.db'), `.backup '${join(target, 'fedmeta.db')}'`], { encoding: 'utf8' });
        expect(backup.status, backup.stderr).to.equal(0);
      }
      copyFileSync(join(live, 'kek'), join(copy, 'kek'));

      const restoredEnv = await envFor(copy);
      const restored = await serveProcess(restoredEnv);
      try {
        expect(await (await fetch(`${restored.url}/.well-known/jwks.json`)).text()).to.equal(before);
        expect((await fetch(`${restored.url}/readyz`)).status, 'every key opens with the copied key file').to.equal(200);
      } finally {
        await stopInstance({ ...restored, env: restoredEnv });
      }
      const refused = await runCli(['keys', 'list'], await envFor(copyWithoutKek));
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.include('restore the key file or set FEDMETA_KEK');
    } finally {
      await stopInstance({ ...running, env: liveEnv });
    }
  });
});
