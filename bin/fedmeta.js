#!/usr/bin/env node
// The compiled CLI; `npm install` / `npm ci` build dist/ through the "prepare" script, so `npm start`
// starts at once (no build) and this process is the one that receives SIGTERM.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  process.stderr.write('fedmeta: dist/ is not built; run `npm run build` (npm install does it)\n');
  process.exit(1);
}
const { main } = await import('../dist/main.js');
process.exitCode = await main(process.argv.slice(2));
