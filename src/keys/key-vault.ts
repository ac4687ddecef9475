// Where private keys live and how they sign. A stored key's `location` says where: `sealed` (encrypted
// with the KEK in the store, opened into a KeyObject in this process) or `pkcs11:<token label>` (a
// private key object in that token, never extractable; the store holds no private material).
// FEDMETA_KEY_BACKEND chooses where new keys are made; keys already stored keep opening from where they
// live, so moving to an HSM is a rotation (new keys in the token, sealed keys age out).
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { keyUnavailable } from '../errors.js';
import { selfSignedCertificate, type CertificateOptions } from './certificate.js';
import { generateSigningKey, type KeyGenerationOptions } from './generate.js';
import { metadataSignerSealId } from './metadata-signer-store.js';
import { seal, unseal } from './seal.js';
import { signInProcess, signOffLoop } from '../xml/signer.js';
import type { TokenSession } from './pkcs11/token-session.js';
import { destroyTokenKey, generateTokenKeyPair, TokenKey, type TokenSignatureAlgorithm } from './pkcs11/token-keys.js';

export const SEALED = 'sealed';
export type SignatureAlgorithm = TokenSignatureAlgorithm;
/** A token-signing key, or the metadata-signing key (sealed under a different id, named differently in messages). */
export type KeyRole = 'signing' | 'metadata-signing';

export interface StoredKey {
  kid: string;
  /** `sealed` or `pkcs11:<token label>`. */
  location: string;
  /** Only where location is `sealed`: the AES-256-GCM envelope (seal.ts). */
  sealedPrivateKey?: string | undefined;
}

export interface OpenedKey {
  sign(data: Buffer, algorithm: SignatureAlgorithm): Buffer;
  /** The same off the event loop (libuv thread pool), for keys held in this process; a token signs with `sign`. */
  signAsync?(data: Buffer, algorithm: SignatureAlgorithm): Promise<Buffer>;
  /** Why the key cannot sign now (a token key deleted from the token), or undefined. */
  check(): string | undefined;
}

const sealId = (kid: string, role: KeyRole) => (role === 'signing' ? kid : metadataSignerSealId(kid));
const roleName = (role: KeyRole) => (role === 'signing' ? 'signing key' : 'metadata-signing key');

export class KeyVault {
  constructor(
    private readonly kek: Buffer,
    /** The PKCS#11 token, when one is configured. */
    private readonly token: TokenSession | undefined,
    /** Where new keys are generated (FEDMETA_KEY_BACKEND). */
    private readonly backend: 'sealed' | 'pkcs11',
  ) {
    if (backend === 'pkcs11' && !token) throw new Error('FEDMETA_KEY_BACKEND=pkcs11 needs a token');
  }

  /** The location of keys generated now. */
  get newKeyLocation(): string {
    return this.backend === 'pkcs11' ? `pkcs11:${this.token!.label}` : SEALED;
  }

  /** A key ready to sign; 503 key_unavailable when it does not open or is not in the token. */
  open(key: StoredKey, role: KeyRole = 'signing'): OpenedKey {
    if (key.location === SEALED) {
      try {
        const privateKey = createPrivateKey(unseal(this.kek, sealId(key.kid, role), key.sealedPrivateKey ?? ''));
        return {
          sign: (data, algorithm) => signInProcess(privateKey, data, algorithm),
          signAsync: (data, algorithm) => signOffLoop(privateKey, data, algorithm),
          check: () => undefined,
        };
      } catch {
        throw keyUnavailable(`The private key of ${roleName(role)} ${key.kid} cannot be opened (wrong FEDMETA_KEK, or the stored key is damaged)`);
      }
    }
    if (!this.token) throw keyUnavailable(`The private key of ${roleName(role)} ${key.kid} lives in ${key.location}, but no PKCS#11 token is configured (FEDMETA_PKCS11_MODULE)`);
    if (key.location !== `pkcs11:${this.token.label}`) {
      throw keyUnavailable(`The private key of ${roleName(role)} ${key.kid} lives in ${key.location}, not in token "${this.token.label}" (FEDMETA_PKCS11_TOKEN)`);
    }
    const tokenKey = new TokenKey(this.token, key.kid);
    return { sign: (data, algorithm) => tokenKey.sign(data, algorithm), check: () => tokenKey.check() };
  }

  /** A new key pair where FEDMETA_KEY_BACKEND says, with its self-signed certificate. */
  async generate(options: KeyGenerationOptions, role: KeyRole = 'signing'): Promise<StoredKey & { certPem: string }> {
    if (this.backend === 'sealed') {
      const fresh = await generateSigningKey(options);
      return { kid: fresh.kid, certPem: fresh.certPem, location: SEALED, sealedPrivateKey: seal(this.kek, sealId(fresh.kid, role), fresh.privateKeyPem) };
    }
    const { kid, publicKey } = await generateTokenKeyPair(this.token!, options.modulusLength);
    const location = this.newKeyLocation;
    try {
      const tokenKey = new TokenKey(this.token!, kid);
      return { kid, location, certPem: selfSignedCertificate(publicKey, (data) => tokenKey.sign(data, 'rsa-sha256'), options) };
    } catch (error) {
      destroyTokenKey(this.token!, kid);
      throw error;
    }
  }

  /** A new self-signed certificate over the key pair of `key` (its current certificate gives the public key). */
  renewCertificate(key: StoredKey & { certPem: string }, options: CertificateOptions, role: KeyRole = 'signing'): string {
    const opened = this.open(key, role);
    return selfSignedCertificate(new X509Certificate(key.certPem).publicKey, (data) => opened.sign(data, 'rsa-sha256'), options);
  }

  /**
   * Destroy a token key's private object (a revoked key, or a generated key that never entered the
   * store). 'absent' when the token no longer holds it; 'sealed' for a key that lives in the store;
   * 'unreachable' for a key in a token that is not configured here.
   */
  destroy(key: StoredKey): 'destroyed' | 'absent' | 'sealed' | 'unreachable' {
    if (key.location === SEALED) return 'sealed';
    if (!this.token || key.location !== `pkcs11:${this.token.label}`) return 'unreachable';
    return destroyTokenKey(this.token, key.kid) ? 'destroyed' : 'absent';
  }

  close(): void {
    this.token?.close();
  }
}
