// AuthnRequest (SAML core 3.4.1) from an SP: parsed from untrusted XML, then checked against the
// application it names. Also the parts every request shares (RequestAbstractType, core 3.2.1), which
// logout-request.ts reuses.
import type { Application, SamlpAddon } from '../clients/types.js';
import { BINDINGS, NS } from '../xml/namespaces.js';
import { expectRoot, parseUntrustedXml, parseXsBoolean } from '../xml/parse.js';
import { MAX_MESSAGE_BYTES, verifyPostSignature } from './bindings.js';
import { SamlRequestError } from '../errors.js';
import type { SamlRequestErrorCode } from '../error-codes.js';
import { STATUS, type SamlStatus } from './status.js';

export const DEFAULT_SKEW_SECONDS = 180;
/** Second-level codes of VersionMismatch (core 3.2.2.2), not among response.ts STATUS. */
const REQUEST_VERSION_TOO_HIGH = 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooHigh';
const REQUEST_VERSION_TOO_LOW = 'urn:oasis:names:tc:SAML:2.0:status:RequestVersionTooLow';

/** RequestAbstractType: what every SAML request carries. */
export interface SamlRequestEnvelope {
  id: string;
  version: string;
  issuer: string;
  issueInstant: Date;
  destination?: string;
  /** An enveloped ds:Signature is present; verified only if the request came from a readSigned… function. */
  hasSignature: boolean;
}

export interface AuthnRequestInfo extends SamlRequestEnvelope {
  assertionConsumerServiceUrl?: string;
  assertionConsumerServiceIndex?: number;
  protocolBinding?: string;
  nameIdPolicyFormat?: string;
  forceAuthn: boolean;
  isPassive: boolean;
}

export interface RequestCheckContext {
  app: Application;
  /** This IdP's URLs a request may be addressed to (its Destination). */
  endpointUrls: string[];
  now: Date;
  skewSeconds?: number;
  /** A signature by the application's signingCert was verified, by either binding. */
  signed: boolean;
}

export function parseAuthnRequest(xml: string): AuthnRequestInfo {
  const root = expectRoot(parseUntrustedXml(xml, { maxBytes: MAX_MESSAGE_BYTES }), NS.samlp, 'AuthnRequest');
  const envelope = readRequestEnvelope(root);
  const acsUrl = attribute(root, 'AssertionConsumerServiceURL');
  const acsIndex = attribute(root, 'AssertionConsumerServiceIndex');
  if (acsUrl !== undefined && acsIndex !== undefined) {
    throw new SamlRequestError('saml_request_invalid_attribute', 'AssertionConsumerServiceURL and Index are mutually exclusive');
  }
  if (acsIndex !== undefined && !/^\d{1,5}$/.test(acsIndex)) {
    throw new SamlRequestError('saml_request_invalid_attribute', 'AssertionConsumerServiceIndex is not an unsignedShort');
  }
  const policies = childElements(root, NS.samlp, 'NameIDPolicy');
  if (policies.length > 1) throw new SamlRequestError('saml_request_invalid_element', 'more than one NameIDPolicy');
  if (policies[0]) booleanAttribute(policies[0], 'AllowCreate'); // not used, but a malformed value is refused
  return {
    ...envelope,
    assertionConsumerServiceUrl: acsUrl,
    assertionConsumerServiceIndex: acsIndex === undefined ? undefined : Number(acsIndex),
    protocolBinding: attribute(root, 'ProtocolBinding'),
    nameIdPolicyFormat: policies[0] && attribute(policies[0], 'Format'),
    forceAuthn: booleanAttribute(root, 'ForceAuthn'),
    isPassive: booleanAttribute(root, 'IsPassive'),
  };
}

/**
 * HTTP-POST signed AuthnRequest: verifies the enveloped signature of the root with the SP's certificate
 * only, then parses the signed canonical bytes, so nothing outside the signature is ever read.
 */
export function readSignedPostRequest(xml: string, certificate: string, allowSha1 = false): AuthnRequestInfo {
  return { ...parseAuthnRequest(verifyPostSignature(xml, certificate, 'AuthnRequest', allowSha1)), hasSignature: true };
}

/**
 * Checks a parsed AuthnRequest against its application and returns the ACS URL to answer at.
 * The ACS must be exactly one of app.callbacks. AssertionConsumerServiceIndex refers to the SP's
 * metadata, which is not kept: only index 0 is accepted, as the first callback (the ACS every SP lists
 * first). Failures before the ACS is known are plain; later ones carry a SAML status for that ACS.
 */
export function checkAuthnRequest(request: AuthnRequestInfo, context: RequestCheckContext): string {
  checkIssuer(request, context.app);
  const acsUrl = resolveAcsUrl(request, context.app.callbacks);
  checkRequestEnvelope(request, context, acsUrl);
  if (request.protocolBinding !== undefined && request.protocolBinding !== BINDINGS.httpPost) {
    throw refusal(request, acsUrl, 'saml_request_unsupported_binding', 'only HTTP-POST responses are sent', {
      code: STATUS.requester,
      subCode: STATUS.unsupportedBinding,
    });
  }
  return acsUrl;
}

/** For the login flow: IsPassive was asked and the user has no session (core 3.4.1). */
export function noPassiveError(request: { id?: string | undefined }, acsUrl: string): SamlRequestError {
  return refusal(request, acsUrl, 'saml_no_passive', 'passive authentication is not possible', {
    code: STATUS.responder,
    subCode: STATUS.noPassive,
  });
}

function resolveAcsUrl(request: AuthnRequestInfo, callbacks: string[]): string {
  const first = callbacks[0];
  if (first === undefined) throw new SamlRequestError('saml_acs_not_allowed', 'the application has no callback URL');
  const url = request.assertionConsumerServiceUrl;
  if (url !== undefined) {
    // Exact comparison: no prefix, case or trailing-slash leniency, which is how responses get stolen.
    if (!callbacks.includes(url)) throw new SamlRequestError('saml_acs_not_allowed', 'the ACS URL is not a callback');
    return url;
  }
  const index = request.assertionConsumerServiceIndex;
  if (index !== undefined && index !== 0) {
    throw new SamlRequestError('saml_acs_index_not_supported', 'only AssertionConsumerServiceIndex 0 is supported');
  }
  return first;
}

// ---- RequestAbstractType (core 3.2.1), shared with LogoutRequest ----

export function readRequestEnvelope(root: Element): SamlRequestEnvelope {
  const id = attribute(root, 'ID');
  const version = attribute(root, 'Version');
  const issueInstant = attribute(root, 'IssueInstant');
  if (id === undefined || version === undefined || issueInstant === undefined) {
    throw new SamlRequestError('saml_request_missing_attribute', 'ID, Version and IssueInstant are required');
  }
  if (!isNcName(id)) throw new SamlRequestError('saml_request_invalid_id', 'ID is not an xs:ID');
  if (!/^\d+\.\d+$/.test(version)) throw new SamlRequestError('saml_request_invalid_attribute', 'Version is not a version');
  const instant = parseDateTime(issueInstant);
  if (!instant) throw new SamlRequestError('saml_request_invalid_issue_instant', 'IssueInstant is not an xs:dateTime');
  return {
    id,
    version,
    issuer: readIssuer(root),
    issueInstant: instant,
    destination: attribute(root, 'Destination'),
    hasSignature: childElements(root, NS.ds, 'Signature').length > 0,
  };
}

/** Exactly one saml:Issuer, first in the request (schema order), holding an entity ID and nothing else. */
function readIssuer(root: Element): string {
  const issuers = childElements(root, NS.saml, 'Issuer');
  const issuer = issuers[0];
  if (!issuer) throw new SamlRequestError('saml_request_issuer_missing', 'no Issuer');
  if (issuers.length > 1 || issuer !== childElements(root)[0]) {
    throw new SamlRequestError('saml_request_issuer_invalid', 'one Issuer, first in the request, is expected');
  }
  const format = attribute(issuer, 'Format');
  if (format !== undefined && format !== 'urn:oasis:names:tc:SAML:2.0:nameid-format:entity') {
    throw new SamlRequestError('saml_request_issuer_invalid', 'Issuer Format must be entity (core 8.3.6)');
  }
  const value = textOf(issuer);
  if (value.trim() === '') throw new SamlRequestError('saml_request_issuer_missing', 'empty Issuer');
  // An entity ID is a URI; padding would only make an exact comparison with the audience fail later.
  if (value.trim() !== value) throw new SamlRequestError('saml_request_issuer_invalid', 'whitespace around the Issuer');
  return value;
}

/** Plain failures: the request's Issuer is not the application's SP. */
export function checkIssuer(request: SamlRequestEnvelope, app: Application): SamlpAddon {
  const samlp = app.addons.samlp;
  if (!samlp) throw new SamlRequestError('saml_app_not_configured', 'the application has no SAML addon');
  if (request.issuer !== samlp.audience) {
    throw new SamlRequestError('saml_request_unknown_issuer', 'the Issuer is not this application');
  }
  return samlp;
}

/** The rules every request follows once its response URL is known; failures carry a SAML status. */
export function checkRequestEnvelope(request: SamlRequestEnvelope, context: RequestCheckContext, responseUrl: string): void {
  const denied = { code: STATUS.requester, subCode: STATUS.requestDenied };
  const refuse = (code: SamlRequestErrorCode, message: string, status: SamlStatus = denied) =>
    refusal(request, responseUrl, code, message, status);
  if (context.app.addons.samlp?.signingCert && !context.signed) {
    throw refuse('saml_request_unsigned', 'this application must sign its requests');
  }
  if (request.version !== '2.0') {
    const tooHigh = Number(request.version.split('.')[0]) >= 2;
    throw refuse('saml_request_version_mismatch', 'only SAML 2.0 is supported', {
      code: STATUS.versionMismatch,
      subCode: tooHigh ? REQUEST_VERSION_TOO_HIGH : REQUEST_VERSION_TOO_LOW,
    });
  }
  // bindings 3.4.5.2 / 3.5.5.2: a signed request must name where it is sent; core 3.2.1: if named, it
  // must be here, signed or not.
  if (request.destination === undefined) {
    if (context.signed) throw refuse('saml_request_destination_missing', 'a signed request must carry Destination');
  } else if (!context.endpointUrls.includes(request.destination)) {
    throw refuse('saml_request_destination_mismatch', 'the request was sent to another endpoint');
  }
  const skew = (context.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  const age = context.now.getTime() - request.issueInstant.getTime();
  if (age > skew) throw refuse('saml_request_expired', 'IssueInstant is too old');
  if (age < -skew) throw refuse('saml_request_not_yet_valid', 'IssueInstant is in the future');
}

export function refusal(
  request: { id?: string | undefined },
  responseUrl: string,
  code: SamlRequestErrorCode,
  message: string,
  status: SamlStatus,
): SamlRequestError {
  return new SamlRequestError(code, message, status, responseUrl, request.id);
}

// ---- Reading values from untrusted elements ----

export function attribute(element: Element, name: string): string | undefined {
  // By qualified name: an unprefixed attribute only, never a namespaced look-alike such as x:ID.
  return element.getAttributeNode(name)?.value ?? undefined;
}

/** xs:boolean (absent is false). */
export function booleanAttribute(element: Element, name: string): boolean {
  const value = attribute(element, name);
  if (value === undefined) return false;
  const parsed = parseXsBoolean(value);
  if (parsed !== undefined) return parsed;
  throw new SamlRequestError('saml_request_invalid_attribute', `${name} is not an xs:boolean`);
}

/** Child elements, all or those with the given name. */
export function childElements(parent: Element, namespace?: string, localName?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 &&
      (namespace === undefined || ((node as Element).namespaceURI === namespace && (node as Element).localName === localName)),
  );
}

/**
 * Text content of a simple-content element. A comment or element inside is refused rather than skipped:
 * `id<!---->.evil` reads differently to different parsers (the 2018 comment-truncation attacks).
 */
export function textOf(element: Element): string {
  const parts = Array.from(element.childNodes).map((node) => {
    if (node.nodeType !== 3 && node.nodeType !== 4) {
      throw new SamlRequestError('saml_request_unexpected_content', `${element.localName} must hold text only`);
    }
    return node.nodeValue ?? '';
  });
  return parts.join('');
}

// XML 1.0 (5th ed.) NameStartChar and NameChar without ':' (Namespaces in XML, NCName).
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NC_NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*$`, 'u');

export function isNcName(value: string): boolean {
  return NC_NAME.test(value);
}

/**
 * xs:dateTime with a time zone (SAML core 1.3.3 wants UTC, 'Z'; an explicit offset is unambiguous too).
 * Without one the instant is unknown, so it is refused. Out-of-range fields (Feb 30, 25:00) are refused.
 */
export function parseDateTime(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls Feb 30 over to March 2, and maps years 0-99 to 19xx: both show in the round trip.
  const roundTrips = local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day;
  if (!roundTrips || hour > 23 || minute > 59 || second > 59) return undefined;
  const [sign, offsetHours, offsetMinutes] = [match[8], Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const millis = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  return new Date(local.getTime() + millis - offset);
}
