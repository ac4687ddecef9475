// The signing rate through a PKCS#11 token (SoftHSM2, in process) as a ratio of in-process RSA (node's
// crypto.sign over a KeyObject), both RSA 2048 PKCS#1 v1.5 with SHA-256 over a SignedInfo-sized input,
// measured in the same run. bench/run.ts can call hsmSigningRatio(); alone: node --import tsx bench/hsm.ts
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TokenSession } from '../src/keys/pkcs11/token-session.js';
import { generateTokenKeyPair, TokenKey } from '../src/keys/pkcs11/token-keys.js';

const MODULE = process.env.FEDMETA_BENCH_PKCS11_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface HsmSigningRatio {
  inProcessPerSecond: number;
  tokenPerSecond: number;
  /** tokenPerSecond / inProcessPerSecond. */
  ratio: number;
}

function rate(run: () => unknown, seconds: number): number {
  for (let i = 0; i < 20; i++) run(); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < end) {
    run();
    ops++;
  }
  return ops / (Number(process.hrtime.bigint() - start) / 1e9);
}

const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;

/** Why the benchmark cannot run here (no SoftHSM2), or undefined. */
export function hsmBenchUnavailable(): string | undefined {
  if (!existsSync(MODULE)) return `no PKCS#11 library at ${MODULE} (Debian: softhsm2)`;
  if (spawnSync('softhsm2-util', ['--help']).error) return 'softhsm2-util is not installed (Debian: softhsm2)';
  return undefined;
}

/** Medians of `rounds` interleaved measurements (so load on a shared machine hits both alike). */
export async function hsmSigningRatio(rounds = 5, seconds = 1): Promise<HsmSigningRatio> {
  const dir = mkdtempSync(join(tmpdir(), 'fedmeta-bench-softhsm-'));
  const previousConf = process.env.SOFTHSM2_CONF;
  process.env.SOFTHSM2_CONF = join(dir, 'softhsm2.conf');
  writeFileSync(process.env.SOFTHSM2_CONF, `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', 'bench', '--pin', '1234', '--so-pin', '5678'], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`softhsm2-util: ${init.stderr}`);
  const token = new TokenSession({ module: MODULE, token: 'bench', pin: '1234', pinVariable: 'FEDMETA_PKCS11_PIN' });
  try {
    const tokenKey = new TokenKey(token, (await generateTokenKeyPair(token, 2048)).kid);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signedInfo = randomBytes(700);
    const inProcess: number[] = [];
    const inToken: number[] = [];
    for (let i = 0; i < rounds; i++) {
      inProcess.push(rate(() => sign('sha256', signedInfo, privateKey), seconds));
      inToken.push(rate(() => tokenKey.sign(signedInfo, 'rsa-sha256'), seconds));
    }
    const inProcessPerSecond = median(inProcess);
    const tokenPerSecond = median(inToken);
    return { inProcessPerSecond, tokenPerSecond, ratio: tokenPerSecond / inProcessPerSecond };
  } finally {
    token.close();
    if (previousConf === undefined) delete process.env.SOFTHSM2_CONF;
    else process.env.SOFTHSM2_CONF = previousConf;
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The report block in bench/run.ts's format. */
export function hsmReport(result: HsmSigningRatio): string {
  return (
    'RSA-SHA256 signatures through a PKCS#11 token (SoftHSM2) vs in-process RSA (node:crypto, KeyObject)\n' +
    `  ours:     C_Sign (CKM_SHA256_RSA_PKCS) on a pooled session: ${result.tokenPerSecond.toFixed(0)} ops/s\n` +
    `  baseline: crypto.sign('sha256', …, KeyObject): ${result.inProcessPerSecond.toFixed(0)} ops/s\n` +
    `  ratio:    ${result.ratio.toFixed(2)}x\n`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const unavailable = hsmBenchUnavailable();
  if (unavailable) console.log(`HSM signing: skipped (${unavailable})`);
  else console.log(hsmReport(await hsmSigningRatio()));
}
