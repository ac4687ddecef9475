// LogoutRequest (SAML core 3.7.1) from an SP, for SP-initiated single logout: parsed from untrusted
// XML like an AuthnRequest, with the same signature, skew and Destination rules.
import { NS } from '../xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../xml/parse.js';
import {
  DEFAULT_SKEW_SECONDS,
  checkIssuer,
  checkRequestEnvelope,
  readRequestEnvelope,
  refusal,
  type RequestCheckContext,
  type SamlRequestEnvelope,
} from './authn-request.js';
import { attribute, childElements, parseDateTime, textOf } from './request-values.js';
import { MAX_MESSAGE_BYTES, verifyPostSignature } from './bindings.js';
import { SamlRequestError } from '../errors.js';
import { STATUS } from './status.js';

export interface LogoutRequestInfo extends SamlRequestEnvelope {
  nameId: string;
  nameIdFormat?: string;
  nameQualifier?: string;
  spNameQualifier?: string;
  sessionIndexes: string[];
  /** After this instant the request may be discarded (core 3.7.1). */
  notOnOrAfter?: Date;
  reason?: string;
}

export function parseLogoutRequest(xml: string): LogoutRequestInfo {
  const root = expectRoot(parseUntrustedXml(xml, { maxBytes: MAX_MESSAGE_BYTES }), NS.samlp, 'LogoutRequest');
  const envelope = readRequestEnvelope(root);
  const notOnOrAfterText = attribute(root, 'NotOnOrAfter');
  const notOnOrAfter = notOnOrAfterText === undefined ? undefined : parseDateTime(notOnOrAfterText);
  if (notOnOrAfterText !== undefined && !notOnOrAfter) {
    throw new SamlRequestError('saml_request_invalid_attribute', 'NotOnOrAfter is not an xs:dateTime');
  }
  // The subject is one of BaseID, NameID or EncryptedID; only a plain NameID is ever issued by fedmeta.
  if (childElements(root, NS.saml, 'BaseID').length + childElements(root, NS.saml, 'EncryptedID').length > 0) {
    throw new SamlRequestError('saml_logout_identifier_not_supported', 'only a NameID identifies the subject');
  }
  const nameIds = childElements(root, NS.saml, 'NameID');
  const nameId = nameIds[0];
  if (!nameId) throw new SamlRequestError('saml_logout_name_id_missing', 'no NameID');
  if (nameIds.length > 1) throw new SamlRequestError('saml_logout_name_id_invalid', 'more than one NameID');
  const value = textOf(nameId);
  if (value === '') throw new SamlRequestError('saml_logout_name_id_invalid', 'empty NameID');
  return {
    ...envelope,
    nameId: value,
    nameIdFormat: attribute(nameId, 'Format'),
    nameQualifier: attribute(nameId, 'NameQualifier'),
    spNameQualifier: attribute(nameId, 'SPNameQualifier'),
    sessionIndexes: childElements(root, NS.samlp, 'SessionIndex').map(textOf),
    notOnOrAfter,
    reason: attribute(root, 'Reason'),
  };
}

/** HTTP-POST signed LogoutRequest: verified with the SP's certificate, then read from the signed bytes only. */
export function readSignedPostLogoutRequest(xml: string, certificate: string, allowSha1 = false): LogoutRequestInfo {
  return { ...parseLogoutRequest(verifyPostSignature(xml, certificate, 'LogoutRequest', allowSha1)), hasSignature: true };
}

/**
 * Checks a parsed LogoutRequest against its application and returns the URL the LogoutResponse goes to:
 * the application's addons.samlp.logout.callback (plain 400 without one: there is nowhere to answer).
 */
export function checkLogoutRequest(request: LogoutRequestInfo, context: RequestCheckContext): string {
  const samlp = checkIssuer(request, context.app);
  const responseUrl = samlp.logout?.callback;
  if (!responseUrl) throw new SamlRequestError('saml_logout_callback_missing', 'the application has no logout URL');
  checkRequestEnvelope(request, context, responseUrl);
  const skew = (context.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000;
  if (request.notOnOrAfter && context.now.getTime() - skew >= request.notOnOrAfter.getTime()) {
    throw refusal(request, responseUrl, 'saml_request_expired', 'the LogoutRequest has expired (NotOnOrAfter)', {
      code: STATUS.requester,
      subCode: STATUS.requestDenied,
    });
  }
  return responseUrl;
}
