// Fail closed before a sign-in or token request does anything: when the current signing key does
// not open, these endpoints answer 503 key_unavailable (nothing is signed with any other key).
import type { Context, Next } from 'koa';
import type { Keyring } from '../keys/keyring.js';
import { FedmetaError, OAuthError } from '../errors.js';

export function signingKeyRequired(keyring: Keyring, surface: 'html' | 'oauth' = 'html') {
  return async (ctx: Context, next: Next): Promise<void> => {
    try {
      void keyring.snapshot.signing;
    } catch (error) {
      if (surface === 'oauth' && error instanceof FedmetaError) throw new OAuthError(error.status, error.code, error.message);
      throw error;
    }
    await next();
  };
}
