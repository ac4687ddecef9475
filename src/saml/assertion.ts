// SAML 2.0 assertion (SAML core 2.3.3) for Web Browser SSO (SAML profiles 4.1.4.2): a pure function
// from typed input to XML. Child order follows AssertionType: Issuer, (ds:Signature, added when
// signed), Subject, Conditions, then the statements.
import { create } from 'xmlbuilder2';
import type { SamlpAddon } from '../clients/types.js';
import { NAMEID_FORMATS, NS, elementPath } from '../xml/namespaces.js';
import { signXml, type XmlSigningKey } from '../xml/sign.js';
import { addSeconds, assertSamlId, xsDateTime } from './ids.js';

export type XmlNode = ReturnType<typeof create>;

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const ATTRNAME_FORMAT_URI = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

/** Every builder's serialization: no declaration, no whitespace added, and characters XML 1.0 cannot carry refused. */
export const END_OPTIONS = { headless: true, prettyPrint: false, wellFormed: true } as const;

/** How an application wants its messages signed (addons.samlp), and the key to sign with. */
export interface SigningChoice extends Pick<SamlpAddon, 'signatureAlgorithm' | 'digestAlgorithm'> {
  key: XmlSigningKey;
}

export interface AssertionInput {
  /** A fresh ids.samlId(); passed in so tests can pin it. */
  id: string;
  /** The IdP's entityID. */
  issuer: string;
  now: Date;
  app: Pick<SamlpAddon, 'audience' | 'recipient' | 'mappings' | 'nameIdentifierFormat' | 'lifetimeInSeconds'>;
  /** The ACS URL the Response is posted to (the Recipient unless the application names one). */
  acsUrl: string;
  /** The AuthnRequest's ID when SP-initiated; absent for IdP-initiated SSO. */
  inResponseTo?: string | undefined;
  /** The user's profile (profileOf(user)): the NameID and the mapped attributes come from it. */
  profile: Record<string, string>;
  /** A random opaque NameID (e.g. ids.samlId()), required when the format is transient. */
  transientNameId?: string | undefined;
  session: {
    /** When the user logged in (not when this assertion is issued). */
    authnInstant: Date;
    sessionIndex: string;
    notOnOrAfter?: Date | undefined;
  };
}

export function buildAssertion(input: AssertionInput): string {
  const doc = create();
  appendAssertion(doc, input);
  return doc.end(END_OPTIONS);
}

/** Signs a standalone assertion (e.g. a WS-Fed SAML 2.0 token), the Signature right after its Issuer. */
export function signAssertion(xml: string, options: SigningChoice): string {
  return signXml(xml, {
    key: options.key,
    reference: { xpath: elementPath([NS.saml, 'Assertion']) },
    location: { reference: elementPath([NS.saml, 'Assertion'], [NS.saml, 'Issuer']), action: 'after' },
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
  });
}

/** Adds the saml:Assertion as the last child of `parent` (a document, or a samlp:Response). */
export function appendAssertion(parent: XmlNode, input: AssertionInput): void {
  assertSamlId(input.id, 'assertion ID');
  const { app } = input;
  if (!Number.isSafeInteger(app.lifetimeInSeconds) || app.lifetimeInSeconds <= 0) {
    throw new Error(`lifetimeInSeconds must be a positive integer, got ${app.lifetimeInSeconds}`);
  }
  const notOnOrAfter = xsDateTime(addSeconds(input.now, app.lifetimeInSeconds));

  const assertion = parent
    .ele(NS.saml, 'saml:Assertion')
    // Declared here so an assertion taken out of its Response still resolves xsi:type="xs:string".
    .att(NS.xmlns, 'xmlns:xs', NS.xs)
    .att(NS.xmlns, 'xmlns:xsi', NS.xsi)
    .att('ID', input.id)
    .att('IssueInstant', xsDateTime(input.now))
    .att('Version', '2.0');
  assertion.ele(NS.saml, 'saml:Issuer').txt(input.issuer);

  const subject = assertion.ele(NS.saml, 'saml:Subject');
  subject
    .ele(NS.saml, 'saml:NameID', { Format: app.nameIdentifierFormat })
    .txt(nameIdValue(app.nameIdentifierFormat, input));
  // Bearer confirmation data carries no NotBefore (SAML profiles 4.1.4.2).
  subject.ele(NS.saml, 'saml:SubjectConfirmation', { Method: BEARER }).ele(NS.saml, 'saml:SubjectConfirmationData', {
    NotOnOrAfter: notOnOrAfter,
    Recipient: app.recipient || input.acsUrl,
    ...(input.inResponseTo === undefined ? {} : { InResponseTo: input.inResponseTo }),
  });

  assertion
    .ele(NS.saml, 'saml:Conditions', { NotBefore: xsDateTime(input.now), NotOnOrAfter: notOnOrAfter })
    .ele(NS.saml, 'saml:AudienceRestriction')
    .ele(NS.saml, 'saml:Audience')
    .txt(app.audience);

  const { session } = input;
  assertion
    .ele(NS.saml, 'saml:AuthnStatement', {
      AuthnInstant: xsDateTime(session.authnInstant),
      SessionIndex: session.sessionIndex,
      ...(session.notOnOrAfter ? { SessionNotOnOrAfter: xsDateTime(session.notOnOrAfter) } : {}),
    })
    .ele(NS.saml, 'saml:AuthnContext')
    .ele(NS.saml, 'saml:AuthnContextClassRef')
    .txt(PASSWORD_PROTECTED_TRANSPORT);

  const attributes = releasedAttributes(app.mappings, input.profile);
  // The schema requires at least one Attribute in an AttributeStatement: none, no statement.
  if (attributes.length > 0) {
    const statement = assertion.ele(NS.saml, 'saml:AttributeStatement');
    for (const [name, value] of attributes) {
      statement
        .ele(NS.saml, 'saml:Attribute', { Name: name, NameFormat: ATTRNAME_FORMAT_URI })
        .ele(NS.saml, 'saml:AttributeValue')
        .att(NS.xsi, 'xsi:type', 'xs:string')
        .txt(value);
    }
  }
}

/**
 * The NameID for a format: emailAddress → email; transient → the opaque value given; persistent,
 * unspecified and any other → user_id. Exported so a session can remember what the SP was told.
 */
export function nameIdValue(format: string, input: Pick<AssertionInput, 'profile' | 'transientNameId'>): string {
  const value =
    format === NAMEID_FORMATS.emailAddress
      ? input.profile.email
      : format === NAMEID_FORMATS.transient
        ? input.transientNameId
        : input.profile.user_id;
  if (!value) throw new Error(`no NameID value for format ${format}`);
  return normalizeLineEnds(value);
}

/** [attribute name, value] for each mapping whose profile field has a non-empty value, in mapping order. */
function releasedAttributes(mappings: Record<string, string>, profile: Record<string, string>): Array<[string, string]> {
  const released: Array<[string, string]> = [];
  for (const [field, name] of Object.entries(mappings)) {
    const value = Object.hasOwn(profile, field) ? profile[field] : undefined;
    if (value) released.push([name, normalizeLineEnds(value)]);
  }
  return released;
}

/**
 * Every XML parser turns CR LF and lone CR into LF (XML 1.0 section 2.11), and xmlbuilder2 writes CR
 * unescaped; normalizing first makes the bytes we sign the bytes every verifier reads.
 */
function normalizeLineEnds(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}
