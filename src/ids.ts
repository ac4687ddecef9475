// Identifiers fedmeta mints (user ids, client ids, secrets, SAML IDs, session and sign-in handles,
// token ids), behind one dependency so tests can pin them. Key material (private keys, DEKs,
// certificate serials, password salts) is not an identifier and stays random where it is made.
import { randomBytes, randomUUID } from 'node:crypto';

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
  userId: () => `fedmeta|${randomBytes(12).toString('hex')}`,
  clientId: () => alphanumeric(32),
  secret: () => randomBytes(32).toString('base64url'),
  pendingLoginId: () => randomBytes(24).toString('base64url'),
  samlId: () => `_${randomBytes(20).toString('hex')}`,
  tokenId: () => randomUUID(),
};

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
