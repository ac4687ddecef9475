// SAML 1.1 assertion (OASIS cs-sstc-core-1.1 section 2.3.2) as WS-Fed relying parties read it: a
// pure function from typed input to XML. AssertionType's order is Conditions?, Advice?, statements+,
// ds:Signature? — so, unlike SAML 2.0, the signature goes LAST (section 5.4.1 and the 1.1 schema).
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlElement } from '../xml/nodes.js';
import { NAMEID_FORMATS, NS } from '../xml/namespaces.js';
import type { XmlSigningKey } from '../xml/sign.js';
import { signDocument, signerOf, type SignDocumentOptions, type XmlSigner } from '../xml/signer.js';
import { addSeconds, assertSamlId, xsDateTime } from '../saml/ids.js';
import { splitClaimType } from './claims.js';

export const SAML11_BEARER = 'urn:oasis:names:tc:SAML:1.0:cm:bearer';
export const SAML11_PASSWORD = 'urn:oasis:names:tc:SAML:1.0:am:password';

export interface Saml11AssertionInput {
  /** A fresh ids.samlId() (xs:ID); passed in so tests can pin it. */
  id: string;
  /** The IdP's entityID. */
  issuer: string;
  now: Date;
  /** The relying party's realm: the one Audience. */
  audience: string;
  lifetimeInSeconds: number;
  nameIdentifier: string;
  nameIdentifierFormat?: string;
  /** [claim type URI, value], in order. */
  claims: Array<[string, string]>;
  /** When the user logged in (not when this assertion is issued). */
  authenticationInstant: Date;
}

export function buildSaml11Assertion(input: Saml11AssertionInput): string {
  return canonicalize(saml11AssertionElement(input));
}

const saml = (name: string, attributes: Record<string, string> = {}, children: Array<XmlElement | string> = []) =>
  element(NS.saml1, `saml:${name}`, attributes, children);

export function saml11AssertionElement(input: Saml11AssertionInput): XmlElement {
  assertSamlId(input.id, 'AssertionID');
  if (!Number.isSafeInteger(input.lifetimeInSeconds) || input.lifetimeInSeconds <= 0) {
    throw new Error(`lifetimeInSeconds must be a positive integer, got ${input.lifetimeInSeconds}`);
  }
  const conditions = saml('Conditions', { NotBefore: xsDateTime(input.now), NotOnOrAfter: xsDateTime(addSeconds(input.now, input.lifetimeInSeconds)) }, [
    saml('AudienceRestrictionCondition', {}, [saml('Audience', {}, [input.audience])]),
  ]);
  // Each SubjectStatement carries its own Subject (section 2.4.2).
  const subject = saml('Subject', {}, [
    saml('NameIdentifier', { Format: input.nameIdentifierFormat ?? NAMEID_FORMATS.unspecified }, [input.nameIdentifier.replace(/\r\n?/g, '\n')]),
    saml('SubjectConfirmation', {}, [saml('ConfirmationMethod', {}, [SAML11_BEARER])]),
  ]);
  const attributes = input.claims.map(([uri, value]) => {
    const { namespace, name } = splitClaimType(uri);
    return saml('Attribute', { AttributeName: name, AttributeNamespace: namespace }, [saml('AttributeValue', {}, [value])]);
  });
  const authentication = saml('AuthenticationStatement', { AuthenticationMethod: SAML11_PASSWORD, AuthenticationInstant: xsDateTime(input.authenticationInstant) }, [subject]);
  const attributes11 = { MajorVersion: '1', MinorVersion: '1', AssertionID: input.id, Issuer: input.issuer, IssueInstant: xsDateTime(input.now) };
  // The schema requires at least one Attribute in an AttributeStatement: none, no statement.
  const statements = attributes.length > 0 ? [saml('AttributeStatement', {}, [subject, ...attributes]), authentication] : [authentication];
  return saml('Assertion', attributes11, [conditions, ...statements]);
}

/** The one signing path, referencing the AssertionID, the ds:Signature appended as the last child. */
export function signSaml11Assertion(assertion: XmlElement, key: XmlSigningKey | XmlSigner): string {
  return signDocument(assertion, saml11Signing(assertion, key));
}

/** How a SAML 1.1 assertion is signed (signDocument or, on the sign-in path, signDocumentAsync). */
export function saml11Signing(assertion: XmlElement, key: XmlSigningKey | XmlSigner): SignDocumentOptions {
  const id = assertion.attributes.find((attribute) => attribute.name === 'AssertionID')!.value;
  return {
    signer: signerOf(key),
    references: [{ id, idAttribute: 'AssertionID', position: 'end' }],
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
  };
}
