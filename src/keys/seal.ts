// AES-256-GCM envelope for private keys at rest. Each key gets its own random data key (DEK);
// the DEK is wrapped with the key-encryption key (KEK). Both layers use the kid as additional
// authenticated data, so a sealed blob copied onto another row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'fmk1';

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  if (sealed.length < 29) throw new Error('sealed value is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(12, 28));
  return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
}

const aadFor = (kid: string, layer: 'dek' | 'key') => Buffer.from(`${VERSION}:${layer}:${kid}`, 'utf8');

export function seal(kek: Buffer, kid: string, secret: string): string {
  const dek = randomBytes(32);
  try {
    const wrapped = encrypt(kek, dek, aadFor(kid, 'dek'));
    const body = encrypt(dek, Buffer.from(secret, 'utf8'), aadFor(kid, 'key'));
    return `${VERSION}.${wrapped.toString('base64url')}.${body.toString('base64url')}`;
  } finally {
    dek.fill(0);
  }
}

export class UnsealError extends Error {
  constructor(kid: string) {
    super(`the private key of ${kid} does not open with this FEDMETA_KEK (wrong key, or the row was tampered with)`);
    this.name = 'UnsealError';
  }
}

export function unseal(kek: Buffer, kid: string, sealed: string): string {
  const [version, wrapped, body] = sealed.split('.');
  if (version !== VERSION || !wrapped || !body) throw new UnsealError(kid);
  let dek: Buffer | undefined;
  try {
    dek = decrypt(kek, Buffer.from(wrapped, 'base64url'), aadFor(kid, 'dek'));
    return decrypt(dek, Buffer.from(body, 'base64url'), aadFor(kid, 'key')).toString('utf8');
  } catch {
    throw new UnsealError(kid);
  } finally {
    dek?.fill(0);
  }
}
