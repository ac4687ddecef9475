// Single logout messages fedmeta sends (SAML core 3.7): the LogoutResponse to an SP's LogoutRequest,
// and a LogoutRequest for IdP-initiated logout toward an SP. Both are signed at the root, the
// ds:Signature right after the Issuer.
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlElement } from '../xml/nodes.js';
import { NS } from '../xml/namespaces.js';
import type { SigningChoice } from './assertion.js';
import { assertSamlId, xsDateTime } from './ids.js';
import { samlp, signAfterIssuer, statusResponseElement, type StatusResponseHeader } from './response.js';
import { STATUS, type SamlStatus } from './status.js';

export interface LogoutResponseInput extends StatusResponseHeader {
  /** The LogoutRequest's ID (required: a LogoutResponse always answers a request). */
  inResponseTo: string;
  /** Success unless told; e.g. Responder + PartialLogout when some session could not be ended. */
  status?: SamlStatus | undefined;
}

export function buildLogoutResponse(input: LogoutResponseInput): string {
  return canonicalize(logoutResponseElement(input));
}

export function logoutResponseElement(input: LogoutResponseInput): XmlElement {
  return statusResponseElement('samlp:LogoutResponse', input, input.status ?? { code: STATUS.success });
}

export function signLogoutResponse(response: XmlElement, options: SigningChoice): string {
  return signAfterIssuer(response, options);
}

export interface LogoutRequestInput {
  /** A fresh ids.samlId(). */
  id: string;
  /** The IdP's entityID. */
  issuer: string;
  now: Date;
  /** The SP's SingleLogoutService URL. */
  destination: string;
  /** The NameID the SP was given in the assertion, with its Format. */
  nameId: { value: string; format: string };
  /** The SessionIndex of the assertion's AuthnStatement. */
  sessionIndex?: string | undefined;
  /** How long the request stays valid (LogoutRequest NotOnOrAfter, SAML core 3.7.1). */
  notOnOrAfter?: Date | undefined;
  /** e.g. urn:oasis:names:tc:SAML:2.0:logout:user */
  reason?: string | undefined;
}

/** samlp:LogoutRequest (SAML core 3.7.1): Issuer, (ds:Signature), NameID, SessionIndex. */
export function buildLogoutRequest(input: LogoutRequestInput): string {
  return canonicalize(logoutRequestElement(input));
}

export function logoutRequestElement(input: LogoutRequestInput): XmlElement {
  assertSamlId(input.id, 'request ID');
  const attributes = {
    ID: input.id,
    Version: '2.0',
    IssueInstant: xsDateTime(input.now),
    Destination: input.destination,
    NotOnOrAfter: input.notOnOrAfter ? xsDateTime(input.notOnOrAfter) : undefined,
    Reason: input.reason,
  };
  return samlp('LogoutRequest', attributes, [
    element(NS.saml, 'saml:Issuer', {}, [input.issuer]),
    element(NS.saml, 'saml:NameID', { Format: input.nameId.format }, [input.nameId.value]),
    ...(input.sessionIndex === undefined ? [] : [samlp('SessionIndex', {}, [input.sessionIndex])]),
  ]);
}

export function signLogoutRequest(request: XmlElement, options: SigningChoice): string {
  return signAfterIssuer(request, options);
}
