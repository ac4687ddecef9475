// A key ready to sign (token-signing or metadata-signing), whatever holds its private key: the vault's
// opened key behind the XmlSigner shape that every document and access token is signed through.
import { FedmetaError } from '../errors.js';
import type { OpenedKey } from './key-vault.js';

/**
 * The signer over an opened key. A token key that disappears fails closed: a signature that finds it
 * missing answers 503 key_unavailable and logs why (once); from then on `lost` holds the reason, so the
 * key guard refuses sign-in before it starts, until a probe (`check`, from /readyz) finds the key again.
 */
export function signingKeyOf<P extends { certBase64: string }>(kid: string, published: P, opened: OpenedKey, log: (line: string) => void = (line) => console.error(line)) {
  let lost: string | undefined;
  const noteLost = (error: unknown): unknown => {
    if (error instanceof FedmetaError && error.code === 'key_unavailable') {
      if (lost === undefined) log(`fedmeta: ${error.message}; not ready: sign-in and token endpoints answer 503 key_unavailable`);
      lost = error.message;
    }
    return error;
  };
  return {
    kid,
    published,
    opened,
    certBase64: published.certBase64,
    get lost() {
      return lost;
    },
    check(): string | undefined {
      lost = opened.check();
      return lost;
    },
    sign(data: Buffer, algorithm: Parameters<OpenedKey['sign']>[1]): Buffer {
      try {
        return opened.sign(data, algorithm);
      } catch (error) {
        throw noteLost(error);
      }
    },
    async signAsync(data: Buffer, algorithm: Parameters<OpenedKey['sign']>[1]): Promise<Buffer> {
      try {
        return opened.signAsync ? await opened.signAsync(data, algorithm) : opened.sign(data, algorithm);
      } catch (error) {
        throw noteLost(error);
      }
    },
  };
}
