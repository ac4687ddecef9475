// Validation of application input (Management API, CLI, dashboard): every field is checked and
// unknown fields are refused, so a typo never silently changes how fedmeta signs.
import { X509Certificate } from 'node:crypto';
import { invalidBody } from '../errors.js';
import { CERTIFICATE_DELIVERIES, DEFAULT_SAML_MAPPINGS, type Application, type CertificateDelivery, type SamlpAddon, type WsfedAddon } from './types.js';
import { NAMEID_FORMATS } from '../xml/namespaces.js';

type Input = Record<string, unknown>;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** https: anywhere, http: only on loopback hosts (local development). */
export function checkCallbackUrl(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) throw invalidBody(`${field} must be a URL of at most 2048 characters`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidBody(`${field} is not a valid absolute URL: "${value}"`);
  }
  if (url.hash) throw invalidBody(`${field} must not contain a fragment`);
  if (url.username || url.password) throw invalidBody(`${field} must not contain credentials`);
  if (url.protocol === 'https:') return value;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return value;
  throw invalidBody(`${field} must be an https: URL (http: is allowed only on localhost, 127.0.0.1 and [::1]): "${value}"`);
}

export function only(input: Input, allowed: string[], where: string): void {
  const unknown = Object.keys(input).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw invalidBody(`Unknown field(s) in ${where}: ${unknown.join(', ')}`);
}

export function object(value: unknown, field: string): Input {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalidBody(`${field} must be an object`);
  return value as Input;
}

export function text(value: unknown, field: string, max = 1024): string {
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > max) throw invalidBody(`${field} must be a non-empty string of at most ${max} characters`);
  return value.trim();
}

function oneOf<T extends string>(value: unknown, field: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw invalidBody(`${field} must be one of ${choices.join(', ')}`);
  return value as T;
}

/** Absent stays absent (metadata is the default), so applications stored before the setting read the same. */
function withDelivery(value: unknown, field: string): { certificateDelivery?: CertificateDelivery } {
  return value === undefined ? {} : { certificateDelivery: oneOf(value, field, CERTIFICATE_DELIVERIES, 'metadata') };
}

function seconds(value: unknown, field: string): number {
  if (value === undefined) return 3600;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 60 || value > 86400) throw invalidBody(`${field} must be a whole number of seconds from 60 to 86400`);
  return value;
}

/** A certificate as PEM or base64 DER → base64 DER without line breaks. */
export function normalizeCertificate(value: unknown, field: string): string {
  const raw = text(value, field, 16384).replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
  try {
    const cert = new X509Certificate(Buffer.from(raw, 'base64'));
    if (cert.publicKey.asymmetricKeyType !== 'rsa') throw new Error('not RSA');
    return cert.raw.toString('base64');
  } catch {
    throw invalidBody(`${field} must be an RSA X.509 certificate (PEM or base64 DER)`);
  }
}

function mappings(value: unknown): Record<string, string> {
  if (value === undefined) return { ...DEFAULT_SAML_MAPPINGS };
  const input = object(value, 'addons.samlp.mappings');
  if (Object.keys(input).length > 50) throw invalidBody('addons.samlp.mappings may hold at most 50 entries');
  const result: Record<string, string> = {};
  for (const [field, attribute] of Object.entries(input)) {
    result[text(field, 'a mappings key', 256)] = text(attribute, `addons.samlp.mappings.${field}`, 1024);
  }
  return result;
}

export function parseSamlpAddon(value: unknown): SamlpAddon {
  const input = object(value, 'addons.samlp');
  only(input, ['audience', 'recipient', 'mappings', 'nameIdentifierFormat', 'signResponse', 'signatureAlgorithm', 'digestAlgorithm', 'lifetimeInSeconds', 'signingCert', 'logout', 'idpInitiated', 'certificateDelivery'], 'addons.samlp');
  if (input.signResponse !== undefined && typeof input.signResponse !== 'boolean') throw invalidBody('addons.samlp.signResponse must be true or false');
  if (input.idpInitiated !== undefined && typeof input.idpInitiated !== 'boolean') throw invalidBody('addons.samlp.idpInitiated must be true or false');
  let logout: SamlpAddon['logout'];
  if (input.logout !== undefined) {
    const raw = object(input.logout, 'addons.samlp.logout');
    only(raw, ['callback'], 'addons.samlp.logout');
    logout = raw.callback === undefined ? {} : { callback: checkCallbackUrl(raw.callback, 'addons.samlp.logout.callback') };
  }
  return {
    audience: text(input.audience, 'addons.samlp.audience'),
    recipient: input.recipient === undefined ? undefined : checkCallbackUrl(input.recipient, 'addons.samlp.recipient'),
    mappings: mappings(input.mappings),
    nameIdentifierFormat: oneOf(input.nameIdentifierFormat, 'addons.samlp.nameIdentifierFormat', Object.values(NAMEID_FORMATS), NAMEID_FORMATS.unspecified),
    signResponse: input.signResponse === true,
    signatureAlgorithm: oneOf(input.signatureAlgorithm, 'addons.samlp.signatureAlgorithm', ['rsa-sha256', 'rsa-sha1'] as const, 'rsa-sha256'),
    digestAlgorithm: oneOf(input.digestAlgorithm, 'addons.samlp.digestAlgorithm', ['sha256', 'sha1'] as const, 'sha256'),
    lifetimeInSeconds: seconds(input.lifetimeInSeconds, 'addons.samlp.lifetimeInSeconds'),
    signingCert: input.signingCert === undefined ? undefined : normalizeCertificate(input.signingCert, 'addons.samlp.signingCert'),
    logout,
    // On by default; off by default for an SP that signs its requests.
    idpInitiated: input.idpInitiated === undefined ? input.signingCert === undefined : input.idpInitiated,
    ...withDelivery(input.certificateDelivery, 'addons.samlp.certificateDelivery'),
  };
}

export function parseWsfedAddon(value: unknown): WsfedAddon {
  const input = object(value, 'addons.wsfed');
  only(input, ['realm', 'tokenFormat', 'lifetimeInSeconds', 'certificateDelivery'], 'addons.wsfed');
  return {
    realm: text(input.realm, 'addons.wsfed.realm'),
    tokenFormat: oneOf(input.tokenFormat, 'addons.wsfed.tokenFormat', ['saml11', 'saml20'] as const, 'saml11'),
    lifetimeInSeconds: seconds(input.lifetimeInSeconds, 'addons.wsfed.lifetimeInSeconds'),
    ...withDelivery(input.certificateDelivery, 'addons.wsfed.certificateDelivery'),
  };
}

function callbacks(value: unknown): string[] {
  if (!Array.isArray(value) || value.length > 50) throw invalidBody('callbacks must be an array of at most 50 URLs');
  return [...new Set(value.map((url, index) => checkCallbackUrl(url, `callbacks[${index}]`)))];
}

export type ApplicationFields = Pick<Application, 'name' | 'callbacks' | 'addons'>;

/** POST: a whole application. PATCH: fields of `existing` replaced by those given (an addon set to null is removed). */
export function parseApplication(body: Input, existing?: ApplicationFields): ApplicationFields {
  only(body, ['name', 'callbacks', 'addons'], 'the application');
  const addonsInput = body.addons === undefined ? {} : object(body.addons, 'addons');
  only(addonsInput, ['samlp', 'wsfed'], 'addons');
  const addons = { ...(existing?.addons ?? {}) };
  if (addonsInput.samlp === null) delete addons.samlp;
  else if (addonsInput.samlp !== undefined) addons.samlp = parseSamlpAddon(addonsInput.samlp);
  if (addonsInput.wsfed === null) delete addons.wsfed;
  else if (addonsInput.wsfed !== undefined) addons.wsfed = parseWsfedAddon(addonsInput.wsfed);
  const name = body.name === undefined && existing ? existing.name : text(body.name, 'name', 200);
  const callbackList = body.callbacks === undefined ? (existing?.callbacks ?? []) : callbacks(body.callbacks);
  if ((addons.samlp || addons.wsfed) && callbackList.length === 0) {
    throw invalidBody('callbacks must list at least one URL (the SAML ACS URL or the WS-Fed wreply)');
  }
  return { name, callbacks: callbackList, addons };
}

/** The application as the Management API and `clients list --json` show it. */
export function toClientObject(app: Application) {
  return {
    client_id: app.clientId,
    name: app.name,
    callbacks: app.callbacks,
    addons: app.addons,
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}
