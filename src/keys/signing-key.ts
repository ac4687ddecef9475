// A key ready to sign (token-signing or metadata-signing), whatever holds its private key: the vault's
// opened key behind the XmlSigner shape that every document and access token is signed through.
import { FedmetaError } from '../errors.js';
import type { OpenedKey } from './key-vault.js';

/**
 * The signer over an opened key. A token key that disappears fails closed: its signatures answer
 * 503 key_unavailable, logged once with the reason.
 */
export function signingKeyOf<P extends { certBase64: string }>(kid: string, published: P, opened: OpenedKey) {
  let logged = false;
  return {
    kid,
    published,
    certBase64: published.certBase64,
    check: () => opened.check(),
    sign(data: Buffer, algorithm: Parameters<OpenedKey['sign']>[1]): Buffer {
      try {
        return opened.sign(data, algorithm);
      } catch (error) {
        if (!logged && error instanceof FedmetaError && error.code === 'key_unavailable') {
          logged = true;
          console.error(`fedmeta: ${error.message}; not ready: sign-in and token endpoints answer 503 key_unavailable`);
        }
        throw error;
      }
    },
  };
}

