// THE e-mail normalisation, used for uniqueness (API, CLI) and for sign-in (/login): NFKC, trimmed,
// lower-cased. Addresses with control, zero-width or bidirectional formatting characters are refused.
import { invalidBody } from '../errors.js';
import { hasControlCharacters, INVISIBLE } from './text.js';

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,255}$/u;

/** The canonical form of an address; throws 400 `invalid_body` naming `field` when it is not an acceptable address. */
export function normalizeEmail(value: unknown, field = 'email'): string {
  if (typeof value !== 'string' || value.length > 1024) throw invalidBody(`${field} must be an email address`);
  if (hasControlCharacters(value) || INVISIBLE.test(value)) {
    throw invalidBody(`${field} must not contain control, zero-width or bidirectional formatting characters`);
  }
  const email = value.normalize('NFKC').trim().toLowerCase();
  if (hasControlCharacters(email) || INVISIBLE.test(email) || !EMAIL.test(email)) throw invalidBody(`${field} must be an email address`);
  return email;
}

/** For look-ups (sign-in): the canonical form, or undefined when the text cannot be anyone's address. */
export function lookupEmail(value: string): string | undefined {
  try {
    return normalizeEmail(value);
  } catch {
    return undefined;
  }
}
