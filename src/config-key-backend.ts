// Where private keys are made and kept: FEDMETA_KEY_BACKEND=sealed (in the store, encrypted with the
// KEK; the default) or pkcs11 (in a PKCS#11 token: FEDMETA_PKCS11_MODULE, FEDMETA_PKCS11_TOKEN and the
// user PIN from FEDMETA_PKCS11_PIN or FEDMETA_PKCS11_PIN_FILE). With the sealed backend the PKCS#11
// settings stay optional: given, keys already in the token keep signing while sealed keys replace them.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, boolean, type Env } from './config-values.js';

export interface Pkcs11Settings {
  /** The PKCS#11 library (.so) path. */
  module: string;
  /** The token's label (CKA_LABEL of the token, at most 32 characters). */
  token: string;
  /** The user PIN. */
  pin: string;
  /** Where the PIN came from, for messages. */
  pinVariable: 'FEDMETA_PKCS11_PIN' | 'FEDMETA_PKCS11_PIN_FILE';
  /** FEDMETA_PKCS11_KEEP_REVOKED: keep a revoked key's private object in the token (default: destroy it). */
  keepRevoked: boolean;
}

export interface KeyBackendSettings {
  /** Where new key pairs are generated. */
  keyBackend: 'sealed' | 'pkcs11';
  pkcs11: Pkcs11Settings | undefined;
}

const MAX_PIN_LENGTH = 255;

function readPin(env: Env, cwd: string): Pick<Pkcs11Settings, 'pin' | 'pinVariable'> {
  const inline = env.FEDMETA_PKCS11_PIN;
  const file = env.FEDMETA_PKCS11_PIN_FILE?.trim();
  if (inline && file) throw new ConfigError('FEDMETA_PKCS11_PIN', 'set either FEDMETA_PKCS11_PIN or FEDMETA_PKCS11_PIN_FILE, not both');
  if (!inline && !file) throw new ConfigError('FEDMETA_PKCS11_PIN', 'is required with FEDMETA_PKCS11_MODULE (or FEDMETA_PKCS11_PIN_FILE)');
  let pin = inline ?? '';
  if (file) {
    const path = resolve(cwd, file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new ConfigError('FEDMETA_PKCS11_PIN_FILE', `file not found: ${path}`);
    if (statSync(path).size > MAX_PIN_LENGTH + 2) throw new ConfigError('FEDMETA_PKCS11_PIN_FILE', `${path} is larger than a PIN can be`);
    pin = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  }
  const variable = file ? 'FEDMETA_PKCS11_PIN_FILE' : 'FEDMETA_PKCS11_PIN';
  if (pin.length === 0 || pin.length > MAX_PIN_LENGTH || /[\0\r\n]/.test(pin)) {
    throw new ConfigError(variable, `must hold a PIN of 1 to ${MAX_PIN_LENGTH} characters on one line`);
  }
  return { pin, pinVariable: variable };
}

function parsePkcs11(env: Env, cwd: string): Pkcs11Settings {
  const module = resolve(cwd, env.FEDMETA_PKCS11_MODULE!.trim());
  if (!existsSync(module) || !statSync(module).isFile()) throw new ConfigError('FEDMETA_PKCS11_MODULE', `file not found: ${module}`);
  const token = env.FEDMETA_PKCS11_TOKEN?.trim() ?? '';
  if (!token) throw new ConfigError('FEDMETA_PKCS11_TOKEN', 'is required with FEDMETA_PKCS11_MODULE (the label of the token that holds the keys)');
  if (Buffer.byteLength(token, 'utf8') > 32) throw new ConfigError('FEDMETA_PKCS11_TOKEN', `a token label has at most 32 bytes (got "${token}")`);
  return Object.freeze({ module, token, ...readPin(env, cwd), keepRevoked: boolean(env, 'FEDMETA_PKCS11_KEEP_REVOKED', false) });
}

export function parseKeyBackend(env: Env, cwd: string): KeyBackendSettings {
  const keyBackend = env.FEDMETA_KEY_BACKEND?.trim() || 'sealed';
  if (keyBackend !== 'sealed' && keyBackend !== 'pkcs11') throw new ConfigError('FEDMETA_KEY_BACKEND', `must be sealed or pkcs11 (got "${keyBackend}")`);
  const configured = Boolean(env.FEDMETA_PKCS11_MODULE?.trim());
  if (keyBackend === 'pkcs11' && !configured) throw new ConfigError('FEDMETA_PKCS11_MODULE', 'is required with FEDMETA_KEY_BACKEND=pkcs11 (the path of the PKCS#11 library)');
  if (!configured) {
    const stray = ['FEDMETA_PKCS11_TOKEN', 'FEDMETA_PKCS11_PIN', 'FEDMETA_PKCS11_PIN_FILE', 'FEDMETA_PKCS11_KEEP_REVOKED'].find((name) => env[name]?.trim());
    if (stray) throw new ConfigError(stray, 'is set but FEDMETA_PKCS11_MODULE is not');
  }
  return { keyBackend, pkcs11: configured ? parsePkcs11(env, cwd) : undefined };
}
