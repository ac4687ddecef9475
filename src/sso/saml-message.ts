// An incoming SAML request message (AuthnRequest or LogoutRequest) from its binding's raw parts:
// decoded with hard size caps, then parsed and (when the application has a signingCert) verified
// with that certificate only, and a signed request remembered so it cannot be replayed.
import type { RequestIdStore } from '../auth/session-store.js';
import type { ApplicationCatalog } from '../clients/catalog.js';
import {
  decodePostMessage,
  decodeRedirectMessage,
  parseRedirectQuery,
  verifyRedirectSignature,
} from '../saml/bindings.js';
import { DEFAULT_SKEW_SECONDS } from '../saml/authn-request.js';
import { SamlRequestError, invalidRequest } from '../errors.js';
import type { Config } from '../config.js';
import { samlEndpoints } from '../published/saml-metadata.js';
import { resolveSamlApp, type SamlApp } from './applications.js';

/** RelayState is opaque to us and echoed as is; bindings 3.4.3 asks for at most 80 bytes, SPs send more. */
const MAX_RELAY_STATE = 2048;

/** The raw parts of a request at a SAML endpoint, as the http layer read them. */
export interface SamlBindingInput {
  binding: 'redirect' | 'post';
  /** For HTTP-Redirect: the raw query string, the bytes its signature covers. */
  rawQuery: string;
  /** For HTTP-POST: the form fields. */
  fields: Record<string, unknown>;
  /** The client_id of a `/samlp/:client_id…` URL. */
  clientId: string | undefined;
}

export interface IncomingMessage {
  binding: 'redirect' | 'post';
  xml: string | undefined;
  relayState: string | undefined;
  rawQuery: string;
  /** The message carries a signature (query Signature, or an enveloped ds:Signature). */
  signaturePresent: boolean;
}

function checkRelayState(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || Buffer.byteLength(value) > MAX_RELAY_STATE) {
    throw invalidRequest(`RelayState must be a string of at most ${MAX_RELAY_STATE} bytes`);
  }
  return value;
}

function readPostMessage(fields: Record<string, unknown>, parameter: string): IncomingMessage {
  const encoded = fields[parameter];
  if (encoded !== undefined && typeof encoded !== 'string') throw invalidRequest(`${parameter} must be a string`);
  const xml = encoded ? decodePostMessage(encoded) : undefined;
  // Whether a POSTed message is signed is read from its XML (hasSignature) once parsed.
  return { binding: 'post', xml, relayState: checkRelayState(fields.RelayState), rawQuery: '', signaturePresent: false };
}

/** The SAML message of a GET (HTTP-Redirect) or POST (HTTP-POST) request, decoded but not yet trusted. */
export function readMessage(input: SamlBindingInput, parameter: 'SAMLRequest'): IncomingMessage {
  if (input.binding === 'post') return readPostMessage(input.fields, parameter);
  const { rawQuery } = input;
  const params = new URLSearchParams(rawQuery);
  // Decoded names: an escaped SAML%52equest must reach parseRedirectQuery (which refuses it), not
  // be taken for an IdP-initiated request.
  if (![...params.keys()].includes(parameter)) {
    const relay = params.getAll('RelayState');
    return { binding: 'redirect', xml: undefined, relayState: checkRelayState(relay.length === 1 ? relay[0] : undefined), rawQuery, signaturePresent: false };
  }
  const query = parseRedirectQuery(rawQuery);
  return {
    binding: 'redirect',
    xml: decodeRedirectMessage(query.message),
    relayState: checkRelayState(query.relayState),
    rawQuery,
    signaturePresent: query.signature !== undefined,
  };
}

export interface ReadRequest<T> {
  request: T;
  app: SamlApp;
  signed: boolean;
}

/** Parses a request, verifying its signature with the application's certificate when it has one. */
export function readRequest<T extends { issuer: string; hasSignature: boolean }>(
  catalog: ApplicationCatalog,
  clientId: string | undefined,
  message: IncomingMessage & { xml: string },
  parse: (xml: string) => T,
  parseSigned: (xml: string, cert: string, allowSha1: boolean) => T,
): ReadRequest<T> {
  const unverified = parse(message.xml);
  const app = resolveSamlApp(catalog, clientId, unverified.issuer);
  const cert = app.addons.samlp.signingCert;
  if (!cert) return { request: unverified, app, signed: false };
  // SHA-1 only from an application registered for it (addons.samlp.signatureAlgorithm).
  const allowSha1 = app.addons.samlp.signatureAlgorithm === 'rsa-sha1';
  if (message.binding === 'redirect') {
    if (!message.signaturePresent) return { request: unverified, app, signed: false };
    verifyRedirectSignature(message.rawQuery, cert, allowSha1);
    return { request: unverified, app, signed: true };
  }
  if (!unverified.hasSignature) return { request: unverified, app, signed: false };
  // Everything read from here on comes from the signed bytes only.
  return { request: parseSigned(message.xml, cert, allowSha1), app, signed: true };
}

/** A signed request is accepted once: its ID is remembered for twice the allowed clock skew. */
export async function rejectReplay(store: RequestIdStore, request: { issuer: string; id: string; issueInstant: Date }, signed: boolean, now: Date): Promise<void> {
  if (!signed) return;
  const expires = new Date(request.issueInstant.getTime() + 2 * DEFAULT_SKEW_SECONDS * 1000);
  if (!(await store.rememberRequestId(request.issuer, request.id, expires, now))) {
    throw new SamlRequestError('saml_request_replayed', 'This signed request was already used');
  }
}

/** The URLs a request may name as its Destination: the application's own endpoint and the shared one. */
export const samlEndpointUrls = (config: Config, app: SamlApp, kind: 'sso' | 'slo') => [samlEndpoints(config, app.clientId)[kind], samlEndpoints(config)[kind]];

/** A refusal the SP should hear about (a SAML status and a registered URL to send it to). */
export const isAnswerable = (error: unknown): error is SamlRequestError & { samlStatus: NonNullable<SamlRequestError['samlStatus']>; responseUrl: string } =>
  error instanceof SamlRequestError && !!error.samlStatus && !!error.responseUrl;
