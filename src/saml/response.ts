// samlp:Response (SAML core 3.2.2 StatusResponseType, 3.3.3 Response) carrying one assertion, the
// error Response that carries none, and their signatures. Child order follows StatusResponseType:
// Issuer, (ds:Signature, added when signed), Status, then the Assertion.
import { create } from 'xmlbuilder2';
import { NS, elementPath } from '../xml/namespaces.js';
import { signXml } from '../xml/sign.js';
import { END_OPTIONS, appendAssertion, type AssertionInput, type SigningChoice, type XmlNode } from './assertion.js';
import { assertSamlId, xsDateTime } from './ids.js';
import { STATUS, type SamlStatus } from './status.js';

/** The attributes and Issuer every StatusResponseType message has. */
export interface StatusResponseHeader {
  /** A fresh ids.samlId(). */
  id: string;
  /** The IdP's entityID. */
  issuer: string;
  now: Date;
  /** Where the message is posted: the ACS URL, or the SP's logout URL. */
  destination: string;
  /** The request's ID; absent for IdP-initiated SSO. */
  inResponseTo?: string | undefined;
}

export interface ResponseInput extends StatusResponseHeader {
  /** The assertion; its issuer, now, ACS URL and InResponseTo are the Response's. */
  assertion: Omit<AssertionInput, 'issuer' | 'now' | 'acsUrl' | 'inResponseTo'>;
}

export function buildResponse(input: ResponseInput): string {
  const response = startStatusResponse('samlp:Response', input, { code: STATUS.success });
  appendAssertion(response, {
    ...input.assertion,
    issuer: input.issuer,
    now: input.now,
    acsUrl: input.destination,
    inResponseTo: input.inResponseTo,
  });
  return response.end(END_OPTIONS);
}

/** An error Response: a non-Success status and no assertion (SAML core 3.3.3). */
export function buildStatusResponse(header: StatusResponseHeader, status: SamlStatus): string {
  if (status.code === STATUS.success) throw new Error('buildStatusResponse is for errors; use buildResponse');
  return startStatusResponse('samlp:Response', header, status).end(END_OPTIONS);
}

/** The root element of a StatusResponseType message with its Issuer and Status. */
export function startStatusResponse(
  qualifiedName: 'samlp:Response' | 'samlp:LogoutResponse',
  header: StatusResponseHeader,
  status: SamlStatus,
): XmlNode {
  assertSamlId(header.id, 'response ID');
  const root = create()
    .ele(NS.samlp, qualifiedName)
    .att(NS.xmlns, 'xmlns:saml', NS.saml)
    .att('ID', header.id)
    .att('Version', '2.0')
    .att('IssueInstant', xsDateTime(header.now))
    .att('Destination', header.destination);
  if (header.inResponseTo !== undefined) root.att('InResponseTo', header.inResponseTo);
  root.ele(NS.saml, 'saml:Issuer').txt(header.issuer);
  const statusElement = root.ele(NS.samlp, 'samlp:Status');
  const code = statusElement.ele(NS.samlp, 'samlp:StatusCode', { Value: status.code });
  if (status.subCode !== undefined) code.ele(NS.samlp, 'samlp:StatusCode', { Value: status.subCode });
  if (status.message !== undefined) statusElement.ele(NS.samlp, 'samlp:StatusMessage').txt(status.message);
  return root;
}

export interface SignResponseOptions extends SigningChoice {
  /** Also sign the Response (the application's addons.samlp.signResponse). */
  signResponse: boolean;
}

const RESPONSE = [NS.samlp, 'Response'] as const;
const ASSERTION = [NS.saml, 'Assertion'] as const;
const ISSUER = [NS.saml, 'Issuer'] as const;

/**
 * Signs the Assertion, and when asked the Response too: the Response last, so its digest covers
 * the assertion with its signature in place.
 */
export function signResponse(xml: string, options: SignResponseOptions): string {
  const signedAssertion = signXml(xml, {
    key: options.key,
    reference: { xpath: elementPath(RESPONSE, ASSERTION) },
    location: { reference: elementPath(RESPONSE, ASSERTION, ISSUER), action: 'after' },
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
  });
  return options.signResponse ? signAfterIssuer(signedAssertion, 'Response', options) : signedAssertion;
}

/** An error Response has no assertion: the Response itself is signed. */
export function signStatusResponse(xml: string, options: SigningChoice): string {
  return signAfterIssuer(xml, 'Response', options);
}

/** An enveloped signature over the root `samlp:<rootName>`, right after its Issuer (SAML core 5.4.1 and schema order). */
export function signAfterIssuer(
  xml: string,
  rootName: 'Response' | 'LogoutResponse' | 'LogoutRequest',
  options: SigningChoice,
): string {
  const root = [NS.samlp, rootName] as const;
  return signXml(xml, {
    key: options.key,
    reference: { xpath: elementPath(root) },
    location: { reference: elementPath(root, ISSUER), action: 'after' },
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
  });
}
