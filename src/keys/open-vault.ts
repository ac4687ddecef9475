// The key vault of a configuration: the PKCS#11 token is opened (module loaded, token found by its
// label, user logged in) when FEDMETA_PKCS11_MODULE is set; a wrong PIN stops start-up here.
import type { Config } from '../config.js';
import { KeyVault } from './key-vault.js';
import { TokenSession } from './pkcs11/token-session.js';

export function openKeyVault(config: Pick<Config, 'keyBackend' | 'pkcs11'>, kek: Buffer, log?: (line: string) => void): KeyVault {
  const token = config.pkcs11 ? new TokenSession({ ...config.pkcs11, ...(log ? { log } : {}) }) : undefined;
  return new KeyVault(kek, token, config.keyBackend);
}
