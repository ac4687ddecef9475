// SoftHSM2 tokens for the PKCS#11 tests: a token directory and configuration of its own per suite,
// initialised with softhsm2-util, inspected with OpenSC's pkcs11-tool. The server under test loads the
// same library in this process, so SOFTHSM2_CONF is set here before it starts (SoftHSM reads it at
// C_Initialize, i.e. when the first server of the suite opens the token).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipBecause } from './optional.js';

export const SOFTHSM_MODULE = process.env.FEDMETA_TEST_SOFTHSM_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

export interface SoftHsmToken {
  label: string;
  pin: string;
  dir: string;
  /** The SOFTHSM2_CONF of this token directory (child processes need it in their environment). */
  conf: string;
  /** FEDMETA_KEY_BACKEND=pkcs11 and the PKCS#11 settings for this token. */
  env: Record<string, string>;
  remove(): void;
}

/** Skip (or, where optional tests are required, fail) without softhsm2-util, pkcs11-tool or the SoftHSM library. */
export function requireSoftHsm(context: Mocha.Context): void {
  for (const tool of ['softhsm2-util', 'pkcs11-tool']) {
    const probe = spawnSync(tool, ['--help']);
    if (probe.error) skipBecause(context, `${tool} is not installed (Debian: softhsm2, opensc): ${probe.error.message}`);
  }
  if (!existsSync(SOFTHSM_MODULE)) skipBecause(context, `the SoftHSM2 PKCS#11 library is not at ${SOFTHSM_MODULE} (Debian: softhsm2)`);
}

/** A fresh token in a temporary directory; SOFTHSM2_CONF points at it from now on in this process. */
export function createToken(label = 'fedmeta-test', pin = '4711-pin'): SoftHsmToken {
  const dir = mkdtempSync(join(tmpdir(), 'fedmeta-softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${dir}\nobjectstore.backend = file\nlog.level = ERROR\n`);
  process.env.SOFTHSM2_CONF = conf;
  const init = spawnSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', 'so-pin-0815'], { env: { ...process.env, SOFTHSM2_CONF: conf }, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`softhsm2-util --init-token failed: ${init.stderr}`);
  return {
    label,
    pin,
    dir,
    conf,
    env: { FEDMETA_KEY_BACKEND: 'pkcs11', FEDMETA_PKCS11_MODULE: SOFTHSM_MODULE, FEDMETA_PKCS11_TOKEN: label, FEDMETA_PKCS11_PIN: pin },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Run OpenSC's pkcs11-tool against the token, logged in with its user PIN. */
export function pkcs11Tool(token: SoftHsmToken, ...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('pkcs11-tool', ['--module', SOFTHSM_MODULE, '--token-label', token.label, '--login', '--pin', token.pin, ...args], {
    env: { ...process.env, SOFTHSM2_CONF: token.conf },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

export interface TokenObject {
  label: string;
  id: string;
  access: string;
  usage: string;
}

/** The private key objects in the token, as pkcs11-tool --list-objects shows them. */
export function privateKeyObjects(token: SoftHsmToken): TokenObject[] {
  const listed = pkcs11Tool(token, '--list-objects', '--type', 'privkey');
  if (listed.status !== 0) throw new Error(`pkcs11-tool --list-objects failed: ${listed.output}`);
  return listed.output
    .split(/^Private Key Object/m)
    .slice(1)
    .map((block) => {
      const field = (name: string) => new RegExp(`^\\s*${name}:\\s*(.*)$`, 'm').exec(block)?.[1]?.trim() ?? '';
      return { label: field('label'), id: field('ID'), access: field('Access'), usage: field('Usage') };
    });
}
