// samlp:Response (SAML core 3.2.2 StatusResponseType, 3.3.3 Response) carrying one assertion, the
// error Response that carries none, and their signatures. Child order follows StatusResponseType:
// Issuer, (ds:Signature, added when signed), Status, then the Assertion.
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlElement, type XmlNode } from '../xml/nodes.js';
import { NS } from '../xml/namespaces.js';
import { signDocument, signDocumentAsync, signerOf, type SignDocumentOptions } from '../xml/signer.js';
import { ASSERTION_PREFIXES, assertionElement, idOf, type AssertionInput, type SigningChoice } from './assertion.js';
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
  return canonicalize(responseElement(input), { inclusivePrefixes: ASSERTION_PREFIXES });
}

/** The samlp:Response carrying one assertion, as typed nodes (signResponse signs it). */
export function responseElement(input: ResponseInput): XmlElement {
  const response = statusResponseElement('samlp:Response', input, { code: STATUS.success });
  const { id, app, profile, transientNameId, session } = input.assertion;
  // Named one by one: an object spread plus four properties cost V8 more than building the assertion.
  const assertion = assertionElement({ id, app, profile, transientNameId, session, issuer: input.issuer, now: input.now, acsUrl: input.destination, inResponseTo: input.inResponseTo });
  return { ...response, children: [...response.children, assertion] };
}

/** An error Response: a non-Success status and no assertion (SAML core 3.3.3). */
export function buildStatusResponse(header: StatusResponseHeader, status: SamlStatus): string {
  return canonicalize(statusErrorElement(header, status));
}

/** The error Response as typed nodes (signStatusResponse signs it). */
export function statusErrorElement(header: StatusResponseHeader, status: SamlStatus): XmlElement {
  if (status.code === STATUS.success) throw new Error('buildStatusResponse is for errors; use buildResponse');
  return statusResponseElement('samlp:Response', header, status);
}

/** The root element of a StatusResponseType message with its Issuer and Status. */
export function statusResponseElement(
  qualifiedName: 'samlp:Response' | 'samlp:LogoutResponse',
  header: StatusResponseHeader,
  status: SamlStatus,
): XmlElement {
  assertSamlId(header.id, 'response ID');
  const subCode = status.subCode === undefined ? [] : [samlp('StatusCode', { Value: status.subCode })];
  const message = status.message === undefined ? [] : [samlp('StatusMessage', {}, [status.message])];
  return element(
    NS.samlp,
    qualifiedName,
    { ID: header.id, Version: '2.0', IssueInstant: xsDateTime(header.now), Destination: header.destination, InResponseTo: header.inResponseTo },
    [element(NS.saml, 'saml:Issuer', {}, [header.issuer]), samlp('Status', {}, [samlp('StatusCode', { Value: status.code }, subCode), ...message])],
  );
}

/** An element in the SAML 2.0 protocol namespace. */
export function samlp(name: string, attributes: Record<string, string | undefined> = {}, children: XmlNode[] = []): XmlElement {
  return element(NS.samlp, `samlp:${name}`, attributes, children);
}

export interface SignResponseOptions extends SigningChoice {
  /** Also sign the Response (the application's addons.samlp.signResponse). */
  signResponse: boolean;
}

/**
 * Signs the Assertion, and when asked the Response too: the Response last, so its digest covers
 * the assertion with its signature in place. Both Signatures go right after their Issuer.
 */
export function signResponse(response: XmlElement, options: SignResponseOptions): string {
  return signDocument(response, responseSigning(response, options));
}

/** signResponse with the RSA operations off the event loop where the key allows (the sign-in path). */
export function signResponseAsync(response: XmlElement, options: SignResponseOptions): Promise<string> {
  return signDocumentAsync(response, responseSigning(response, options));
}

function responseSigning(response: XmlElement, options: SignResponseOptions): SignDocumentOptions {
  const assertion = assertionIn(response);
  const references = [{ id: idOf(assertion), position: 1 }];
  if (options.signResponse) references.push({ id: idOf(response), position: 1 });
  return {
    signer: signerOf(options.key),
    references,
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
    inclusivePrefixes: ASSERTION_PREFIXES,
  };
}

function assertionIn(response: XmlElement): XmlElement {
  for (const child of response.children) if (typeof child !== 'string' && 'name' in child && child.name === 'saml:Assertion') return child;
  throw new Error('signResponse: the Response has no Assertion');
}

/** An error Response has no assertion: the Response itself is signed. */
export function signStatusResponse(response: XmlElement, options: SigningChoice): string {
  return signAfterIssuer(response, options);
}

/** An enveloped signature over a root samlp message, right after its Issuer (SAML core 5.4.1 and schema order). */
export function signAfterIssuer(root: XmlElement, options: SigningChoice): string {
  return signDocument(root, {
    signer: signerOf(options.key),
    references: [{ id: idOf(root), position: 1 }],
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
  });
}
