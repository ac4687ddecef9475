// SAML 1.1 assertion (OASIS cs-sstc-core-1.1 section 2.3.2) as WS-Fed relying parties read it: a
// pure function from typed input to XML. AssertionType's order is Conditions?, Advice?, statements+,
// ds:Signature? — so, unlike SAML 2.0, the signature goes LAST (section 5.4.1 and the 1.1 schema).
import { create } from 'xmlbuilder2';
import { NAMEID_FORMATS, NS, elementPath } from '../xml/namespaces.js';
import { signXml, type XmlSigningKey } from '../xml/sign.js';
import { END_OPTIONS, type XmlNode } from '../saml/assertion.js';
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

const ASSERTION = elementPath([NS.saml1, 'Assertion']);

export function buildSaml11Assertion(input: Saml11AssertionInput): string {
  assertSamlId(input.id, 'AssertionID');
  if (!Number.isSafeInteger(input.lifetimeInSeconds) || input.lifetimeInSeconds <= 0) {
    throw new Error(`lifetimeInSeconds must be a positive integer, got ${input.lifetimeInSeconds}`);
  }
  const assertion = create()
    .ele(NS.saml1, 'saml:Assertion')
    .att('MajorVersion', '1')
    .att('MinorVersion', '1')
    .att('AssertionID', input.id)
    .att('Issuer', input.issuer)
    .att('IssueInstant', xsDateTime(input.now));

  assertion
    .ele(NS.saml1, 'saml:Conditions', {
      NotBefore: xsDateTime(input.now),
      NotOnOrAfter: xsDateTime(addSeconds(input.now, input.lifetimeInSeconds)),
    })
    .ele(NS.saml1, 'saml:AudienceRestrictionCondition')
    .ele(NS.saml1, 'saml:Audience')
    .txt(input.audience);

  // Each SubjectStatement carries its own Subject (section 2.4.2).
  const subject = (statement: XmlNode) => {
    const element = statement.ele(NS.saml1, 'saml:Subject');
    element
      .ele(NS.saml1, 'saml:NameIdentifier', { Format: input.nameIdentifierFormat ?? NAMEID_FORMATS.unspecified })
      .txt(input.nameIdentifier.replace(/\r\n?/g, '\n'));
    element.ele(NS.saml1, 'saml:SubjectConfirmation').ele(NS.saml1, 'saml:ConfirmationMethod').txt(SAML11_BEARER);
  };

  // The schema requires at least one Attribute in an AttributeStatement: none, no statement.
  if (input.claims.length > 0) {
    const statement = assertion.ele(NS.saml1, 'saml:AttributeStatement');
    subject(statement);
    for (const [uri, value] of input.claims) {
      const { namespace, name } = splitClaimType(uri);
      statement
        .ele(NS.saml1, 'saml:Attribute', { AttributeName: name, AttributeNamespace: namespace })
        .ele(NS.saml1, 'saml:AttributeValue')
        .txt(value);
    }
  }

  const authentication = assertion.ele(NS.saml1, 'saml:AuthenticationStatement', {
    AuthenticationMethod: SAML11_PASSWORD,
    AuthenticationInstant: xsDateTime(input.authenticationInstant),
  });
  subject(authentication);
  return assertion.end(END_OPTIONS);
}

/** The one signing path, referencing the AssertionID, the ds:Signature appended as the last child. */
export function signSaml11Assertion(xml: string, key: XmlSigningKey): string {
  return signXml(xml, {
    key,
    reference: { xpath: ASSERTION, idAttribute: 'AssertionID' },
    location: { reference: ASSERTION, action: 'append' },
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
  });
}
