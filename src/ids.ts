// Identifiers fedmeta mints (user ids, client ids, secrets, SAML IDs, session and sign-in handles,
// token ids), behind one dependency so tests can pin them. Key material (private keys, DEKs,
// certificate serials, password salts) is not an identifier and stays random where it is made.
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

export interface Ids {
  /** A user id: `fedmeta|` + 12 random bytes in hex. */
  userId(): string;
  /** An application or Management API client id: 32 random letters and digits (as Auth0's; never starts with "-", so it is safe as a CLI argument). */
  clientId(): string;
  /** A secret handed out once (session cookie, CSRF cookie, client secret): 32 random bytes, base64url. */
  secret(): string;
  /** The handle of a sign-in waiting for /login: 24 random bytes, base64url (32 characters). */
  pendingLoginId(): string;
  /** A SAML message, assertion or session ID: `_` + 20 random bytes in hex, an xs:ID with 160 bits (SAML core 1.3.4). */
  samlId(): string;
  /** An access token's jti: a random UUID. */
  tokenId(): string;
}

export const randomIds: Ids = {
  userId: () => `fedmeta|${publicRandomHex(12)}`,
  clientId: () => alphanumeric(32),
  secret: () => randomBytes(32).toString('base64url'),
  pendingLoginId: () => randomBytes(24).toString('base64url'),
  samlId: () => `_${publicRandomHex(20)}`,
  tokenId: () => randomUUID(),
};

// One randomFillSync call costs about 6 µs whatever its size (node's crypto job set-up), which was a
// fifth of building a signed Response with its three SAML IDs. Identifiers that are public once issued
// (SAML IDs, user ids) are cut from a 4 KiB block of the same CSPRNG, each byte used once, as node's
// randomUUID does. Secrets are never served from it: they are drawn fresh where they are made.
const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

function publicRandomHex(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return hex;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Uniform over [A-Za-z0-9]: bytes of 248 and above are dropped (248 = 4 × 62), so no letter is favoured. */
function alphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}
