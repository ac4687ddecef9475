// Signing keys inside a PKCS#11 token. A key pair is generated (CKM_RSA_PKCS_KEY_PAIR_GEN) as session
// objects on a worker thread; the private key is then copied into the token (C_CopyObject) on the main
// thread as a token object, private, sensitive, never extractable, usable only to sign, with CKA_ID and
// CKA_LABEL set to its kid; the public key is read back once (modulus and exponent) and both session
// objects are destroyed. Signing is C_Sign with CKM_SHA256_RSA_PKCS (or CKM_SHA1_RSA_PKCS for the
// applications that ask for SHA-1): the token hashes and pads.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { lazyRequire } from '../../lazy-require.js';
import { rsaThumbprint } from '../generate.js';
import { keyUnavailable } from '../../errors.js';
import { isPkcs11Error, type Handle, type TokenSession } from './token-session.js';

const pkcs11js = lazyRequire<typeof import('pkcs11js')>('pkcs11js');

export type TokenSignatureAlgorithm = 'rsa-sha256' | 'rsa-sha1';

const MECHANISMS: Record<TokenSignatureAlgorithm, number> = { 'rsa-sha256': pkcs11js().CKM_SHA256_RSA_PKCS, 'rsa-sha1': pkcs11js().CKM_SHA1_RSA_PKCS };
/** Room for a signature of the largest key size (4096 bits); C_Sign returns the used part. */
const SIGNATURE_BUFFER_BYTES = 512;
const STALE_HANDLE = new Set([pkcs11js().CKR_OBJECT_HANDLE_INVALID, pkcs11js().CKR_KEY_HANDLE_INVALID]);

export interface TokenKeyPair {
  kid: string;
  publicKey: KeyObject;
}

const publicTemplate = (modulusLength: number) => [
  { type: pkcs11js().CKA_CLASS, value: pkcs11js().CKO_PUBLIC_KEY },
  { type: pkcs11js().CKA_KEY_TYPE, value: pkcs11js().CKK_RSA },
  { type: pkcs11js().CKA_TOKEN, value: false },
  { type: pkcs11js().CKA_VERIFY, value: true },
  { type: pkcs11js().CKA_MODULUS_BITS, value: modulusLength },
  { type: pkcs11js().CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
];

const privateTemplate = (onToken: boolean) => [
  { type: pkcs11js().CKA_CLASS, value: pkcs11js().CKO_PRIVATE_KEY },
  { type: pkcs11js().CKA_KEY_TYPE, value: pkcs11js().CKK_RSA },
  { type: pkcs11js().CKA_TOKEN, value: onToken },
  { type: pkcs11js().CKA_PRIVATE, value: true },
  { type: pkcs11js().CKA_SENSITIVE, value: true },
  { type: pkcs11js().CKA_EXTRACTABLE, value: false },
  { type: pkcs11js().CKA_SIGN, value: true },
  { type: pkcs11js().CKA_DECRYPT, value: false },
  { type: pkcs11js().CKA_UNWRAP, value: false },
];

const kidAttributes = (kid: string) => [
  { type: pkcs11js().CKA_LABEL, value: kid },
  { type: pkcs11js().CKA_ID, value: Buffer.from(kid, 'utf8') },
];

/**
 * A new RSA key pair inside the token; its kid is the RFC 7638 thumbprint of the public key.
 *
 * Only the main thread creates token objects: SoftHSM 2.6 (Debian 12's) breaks a token object that one
 * thread is creating when another thread lists the token's objects at that moment (SoftHSMv2 issue 573:
 * the generation fails with CKR_TEMPLATE_INCONSISTENT or CKR_GENERAL_ERROR). So the long part, the
 * generation, makes session objects on a worker thread, and the copy into the token is synchronous. A
 * crash before the copy leaves nothing in the token. A token without C_CopyObject generates in the
 * token directly, on the main thread.
 */
export async function generateTokenKeyPair(token: TokenSession, modulusLength: number): Promise<TokenKeyPair> {
  const { module } = token;
  const pair = await token.run((session) =>
    module.C_GenerateKeyPairAsync(session, { mechanism: pkcs11js().CKM_RSA_PKCS_KEY_PAIR_GEN }, publicTemplate(modulusLength), privateTemplate(false)),
  );
  const copied = token.run((session) => {
    try {
      const identified = identify(token, session, pair.publicKey);
      module.C_CopyObject(session, pair.privateKey, [{ type: pkcs11js().CKA_TOKEN, value: true }, ...kidAttributes(identified.kid)]);
      return identified;
    } catch (error) {
      if (isPkcs11Error(error, pkcs11js().CKR_FUNCTION_NOT_SUPPORTED)) return undefined;
      throw error;
    } finally {
      module.C_DestroyObject(session, pair.privateKey);
      module.C_DestroyObject(session, pair.publicKey);
    }
  });
  return copied ?? generateInToken(token, modulusLength);
}

/** The key pair generated as a token object directly, on the main thread (blocking it meanwhile). */
export function generateInToken(token: TokenSession, modulusLength: number): TokenKeyPair {
  const { module } = token;
  return token.run((session) => {
    const pair = module.C_GenerateKeyPair(session, { mechanism: pkcs11js().CKM_RSA_PKCS_KEY_PAIR_GEN }, publicTemplate(modulusLength), privateTemplate(true));
    try {
      const identified = identify(token, session, pair.publicKey);
      module.C_SetAttributeValue(session, pair.privateKey, kidAttributes(identified.kid));
      return identified;
    } catch (error) {
      module.C_DestroyObject(session, pair.privateKey);
      throw error;
    } finally {
      module.C_DestroyObject(session, pair.publicKey);
    }
  });
}

/** The public key read back from the token (modulus and exponent), and the kid it gives. */
function identify(token: TokenSession, session: Handle, publicHandle: Handle): TokenKeyPair {
  const [modulus, exponent] = token.module.C_GetAttributeValue(session, publicHandle, [{ type: pkcs11js().CKA_MODULUS }, { type: pkcs11js().CKA_PUBLIC_EXPONENT }]);
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: (modulus!.value as Buffer).toString('base64url'), e: (exponent!.value as Buffer).toString('base64url') }, format: 'jwk' });
  return { kid: rsaThumbprint(publicKey), publicKey };
}

/** The handle of the private key whose CKA_ID is `kid` (found even when another process created it). */
export function findTokenKey(token: TokenSession, kid: string): Handle | undefined {
  return token.run((session) => {
    token.module.C_FindObjectsInit(session, [
      { type: pkcs11js().CKA_CLASS, value: pkcs11js().CKO_PRIVATE_KEY },
      { type: pkcs11js().CKA_ID, value: Buffer.from(kid, 'utf8') },
    ]);
    try {
      return token.module.C_FindObjects(session, 1)[0];
    } finally {
      token.module.C_FindObjectsFinal(session);
    }
  });
}

export const missingFromToken = (kid: string, token: TokenSession) =>
  `the private key of ${kid} is not in PKCS#11 token "${token.label}" (deleted from the token, or a different token)`;

/** A token key ready to sign: its handle is looked up once and again when the token no longer knows it. */
export class TokenKey {
  private handle: Handle | undefined;

  constructor(
    private readonly token: TokenSession,
    readonly kid: string,
  ) {
    this.located();
  }

  sign(data: Buffer, algorithm: TokenSignatureAlgorithm): Buffer {
    try {
      return this.signWith(this.located(), data, algorithm);
    } catch (error) {
      // A re-opened pool, or an object deleted from the token (by this process or another one).
      if (!isPkcs11Error(error) || !STALE_HANDLE.has(error.code)) throw error;
      this.handle = undefined;
      return this.signWith(this.located(), data, algorithm);
    }
  }

  private located(): Handle {
    this.handle ??= findTokenKey(this.token, this.kid);
    if (!this.handle) throw keyUnavailable(missingFromToken(this.kid, this.token));
    return this.handle;
  }

  private signWith(handle: Handle, data: Buffer, algorithm: TokenSignatureAlgorithm): Buffer {
    return this.token.run((session) => {
      this.token.module.C_SignInit(session, { mechanism: MECHANISMS[algorithm] }, handle);
      return Buffer.from(this.token.module.C_Sign(session, data, Buffer.alloc(SIGNATURE_BUFFER_BYTES)));
    });
  }

  /** Why the key cannot sign now (not in the token any more), or undefined. */
  check(): string | undefined {
    return findTokenKey(this.token, this.kid) ? undefined : missingFromToken(this.kid, this.token);
  }
}

/** Destroy the private key object `kid` (revocation); false when the token does not hold it. */
export function destroyTokenKey(token: TokenSession, kid: string): boolean {
  const handle = findTokenKey(token, kid);
  if (!handle) return false;
  token.run((session) => token.module.C_DestroyObject(session, handle));
  return true;
}
