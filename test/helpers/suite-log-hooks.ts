// Mocha root hooks (.mocharc.json `require`): the log of the whole run is captured in one file: every
// in-process test server and every `fedmeta serve`/CLI child process writes its JSON lines there
// (FEDMETA_LOG_FILE, passed on by server.ts and cli.ts). At the end, the file must hold no secret that
// a test created or used (helpers call rememberSecret), nor anything shaped like one.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretShapesIn, secretsIn } from './logs.js';

let ownDir: string | undefined;

export const mochaHooks = {
  beforeAll(): void {
    if (process.env.FEDMETA_LOG_FILE) return; // a run that chose its own file keeps it
    ownDir = mkdtempSync(join(tmpdir(), 'fedmeta-suite-log-'));
    process.env.FEDMETA_LOG_FILE = join(ownDir, 'fedmeta.log');
  },
  afterAll(): void {
    const file = process.env.FEDMETA_LOG_FILE!;
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (ownDir) {
      rmSync(ownDir, { recursive: true, force: true });
      delete process.env.FEDMETA_LOG_FILE;
    }
    const found = [...secretsIn(text), ...secretShapesIn(text)];
    if (found.length > 0) throw new Error(`the test run's log (${text.split('\n').length - 1} lines) contains secrets: ${found.join(', ')}`);
  },
};
