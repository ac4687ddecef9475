// Fail closed before a sign-in or token request does anything: when the current signing key does
// not open, these endpoints answer 503 key_unavailable (nothing is signed with any other key), in
// the format of the route's error surface.
import type { Context, Next } from 'koa';
import type { Keyring } from '../keys/keyring.js';

export function signingKeyRequired(keyring: Keyring) {
  return async (_ctx: Context, next: Next): Promise<void> => {
    void keyring.snapshot.signing;
    await next();
  };
}
