// The static-file reference: Debian's nginx, one worker, serving the very bytes fedmeta serves for
// the same paths (written to a temporary directory), on a loopback ephemeral port, as the current user.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NGINX, startNginx, type RunningNginx } from '../test/helpers/nginx.js';
import { tempDir } from '../test/helpers/server.js';

export { NGINX };

/** nginx serving `documents` (path → bytes) with their content types, access log off. */
export async function serveWithNginx(documents: Map<string, { body: Buffer; contentType: string }>): Promise<RunningNginx> {
  const root = tempDir('fedmeta-bench-www-');
  const locations: string[] = [];
  for (const [path, { body, contentType }] of documents) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), body);
    locations.push(`    location = ${path} { default_type "${contentType}"; }`);
  }
  return startNginx((port) => `  server {\n    listen 127.0.0.1:${port};\n    root ${root};\n    types { }\n${locations.join('\n')}\n  }`);
}
