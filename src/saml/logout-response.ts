// Single logout messages fedmeta sends (SAML core 3.7): the LogoutResponse to an SP's LogoutRequest,
// and a LogoutRequest for IdP-initiated logout toward an SP. Both are signed at the root, the
// ds:Signature right after the Issuer.
import { create } from 'xmlbuilder2';
import { NS } from '../xml/namespaces.js';
import { END_OPTIONS, type SigningChoice } from './assertion.js';
import { assertSamlId, xsDateTime } from './ids.js';
import { signAfterIssuer, startStatusResponse, type StatusResponseHeader } from './response.js';
import { STATUS, type SamlStatus } from './status.js';

export interface LogoutResponseInput extends StatusResponseHeader {
  /** The LogoutRequest's ID (required: a LogoutResponse always answers a request). */
  inResponseTo: string;
  /** Success unless told; e.g. Responder + PartialLogout when some session could not be ended. */
  status?: SamlStatus | undefined;
}

export function buildLogoutResponse(input: LogoutResponseInput): string {
  return startStatusResponse('samlp:LogoutResponse', input, input.status ?? { code: STATUS.success }).end(END_OPTIONS);
}

export function signLogoutResponse(xml: string, options: SigningChoice): string {
  return signAfterIssuer(xml, 'LogoutResponse', options);
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
  assertSamlId(input.id, 'request ID');
  const root = create()
    .ele(NS.samlp, 'samlp:LogoutRequest')
    .att(NS.xmlns, 'xmlns:saml', NS.saml)
    .att('ID', input.id)
    .att('Version', '2.0')
    .att('IssueInstant', xsDateTime(input.now))
    .att('Destination', input.destination);
  if (input.notOnOrAfter) root.att('NotOnOrAfter', xsDateTime(input.notOnOrAfter));
  if (input.reason !== undefined) root.att('Reason', input.reason);
  root.ele(NS.saml, 'saml:Issuer').txt(input.issuer);
  root.ele(NS.saml, 'saml:NameID', { Format: input.nameId.format }).txt(input.nameId.value);
  if (input.sessionIndex !== undefined) root.ele(NS.samlp, 'samlp:SessionIndex').txt(input.sessionIndex);
  return root.end(END_OPTIONS);
}

export function signLogoutRequest(xml: string, options: SigningChoice): string {
  return signAfterIssuer(xml, 'LogoutRequest', options);
}
