// Forge Management API access tokens the way an attacker holding a private key would: the test reads
// the key set from the running server's store, unseals a private key with the server's KEK and signs
// with jose. Used to show which tokens the verifier refuses.
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { KeyState } from '../../src/keys/types.js';
import { unseal } from '../../src/keys/seal.js';
import type { TestServer } from './server.js';

export async function signingKey(server: TestServer, state: KeyState): Promise<{ kid: string; privateKey: ReturnType<typeof createPrivateKey> }> {
  const record = (await server.services.store.listKeys()).find((key) => key.state === state);
  if (!record) throw new Error(`no ${state} key in the store`);
  return { kid: record.kid, privateKey: createPrivateKey(unseal(server.services.kek, record.kid, record.sealedPrivateKey!)) };
}

/** Standard claims of a token for `clientId` (credential version 1), issued now for `lifetime` seconds. */
export function accessTokenClaims(server: TestServer, clientId: string, scope: string, now = Math.floor(Date.now() / 1000)) {
  return {
    iss: `${server.config.issuer}/`,
    aud: `${server.config.issuer}/api/v2/`,
    sub: `${clientId}@clients`,
    client_id: clientId,
    azp: clientId,
    gty: 'client-credentials',
    scope,
    cv: 1,
    iat: now,
    exp: now + 600,
  } as Record<string, unknown>;
}

export async function forgeAccessToken(server: TestServer, state: KeyState, claims: Record<string, unknown>): Promise<string> {
  const key = await signingKey(server, state);
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' }).sign(key.privateKey);
}
