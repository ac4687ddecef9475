// Debian's nginx on a loopback ephemeral port, as the current user, with everything (config, pid,
// logs, temp files) in a temporary directory: for the reverse-proxy tests. Absent nginx: the caller
// skips (skipBecause) or, where optional tools are required, fails.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from './server.js';
import { until } from './wait.js';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

export interface RunningNginx {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/** Starts nginx whose http block holds `httpBlock(port)`: it must define a server listening on 127.0.0.1:port. */
export async function startNginx(httpBlock: (port: number) => string): Promise<RunningNginx> {
  if (!NGINX) throw new Error('nginx is not installed (Debian package nginx-light)');
  const dir = tempDir('fedmeta-nginx-');
  for (const sub of ['logs', 'tmp']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `${kind}_temp_path ${join(dir, 'tmp', kind)};`).join('\n  ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;\nmaster_process off;\nworker_processes 1;\npid ${join(dir, 'nginx.pid')};\nerror_log ${join(dir, 'logs', 'error.log')} warn;\n` +
      `events { worker_connections 1024; }\nhttp {\n  access_log off;\n  ${temp}\n${httpBlock(port)}\n}\n`,
  );
  const check = spawnSync(NGINX, ['-t', '-q', '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t refused the configuration: ${check.stderr}`);
  const child: ChildProcess = spawn(NGINX, ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}`);
    return fetch(`${url}/`).then(() => true, () => false);
  }, 10_000, 'nginx answering');
  return {
    url,
    port,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}
