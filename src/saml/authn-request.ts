// AuthnRequest (SAML core 3.4.1) from an SP: parsed from untrusted XML, then checked against the
// application it names. Also the parts every request shares (RequestAbstractType, core 3.2.1), which
// logout-request.ts reuses.
import type { Application, SamlpAddon } from '../clients/types.js';
import { BINDINGS, NS } from '../xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../xml/parse.js';
import { MAX_MESSAGE_BYTES, verifyPostSignature } from './bindings.js';
import { SamlRequestError } from '../errors.js';
import type { SamlRequestErrorCode } from '../error-codes.js';
import { STATUS, type SamlStatus } from './status.js';
import { attribute, booleanAttribute, childElements, textOf, isNcName, parseDateTime } from './request-values.js';

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
