// SAML 2.0 assertion (SAML core 2.3.3) for Web Browser SSO (SAML profiles 4.1.4.2): a pure function
// from typed input to typed XML nodes. Child order follows AssertionType: Issuer, (ds:Signature,
// added when signed), Subject, Conditions, then the statements.
import type { SamlpAddon } from '../clients/types.js';
import { canonicalize } from '../xml/canonical.js';
import { element, type XmlAttribute, type XmlElement } from '../xml/nodes.js';
import { NAMEID_FORMATS, NS } from '../xml/namespaces.js';
import type { XmlSigningKey } from '../xml/sign.js';
import { signDocument, signerOf, type SignDocumentOptions, type XmlSigner } from '../xml/signer.js';
import { addSeconds, assertSamlId, xsDateTime } from './ids.js';

export const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
export const PASSWORD_PROTECTED_TRANSPORT = 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport';
export const ATTRNAME_FORMAT_URI = 'urn:oasis:names:tc:SAML:2.0:attrname-format:uri';

/**
 * xs is used only inside xsi:type="xs:string" values, which exc-c14n does not count as use: listed
 * as InclusiveNamespaces (as the Shibboleth IdP does) its binding is signed and emitted; xsi with it,
 * so it is declared once on the Assertion. Every document carrying an assertion is written with these.
 */
export const ASSERTION_PREFIXES: readonly string[] = ['xs', 'xsi'];

/** How an application wants its messages signed (addons.samlp), and the key (or signer) to sign with. */
export interface SigningChoice extends Pick<SamlpAddon, 'signatureAlgorithm' | 'digestAlgorithm'> {
  key: XmlSigningKey | XmlSigner;
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

/** The unsigned assertion as XML (its canonical form). */
export function buildAssertion(input: AssertionInput): string {
  return canonicalize(assertionElement(input), { inclusivePrefixes: ASSERTION_PREFIXES });
}

/** Signs a standalone assertion (e.g. a WS-Fed SAML 2.0 token), the Signature right after its Issuer. */
export function signAssertion(assertion: XmlElement, options: SigningChoice): string {
  return signDocument(assertion, assertionSigning(assertion, options));
}

/** How a standalone assertion is signed (signDocument or, on the sign-in path, signDocumentAsync). */
export function assertionSigning(assertion: XmlElement, options: SigningChoice): SignDocumentOptions {
  return {
    signer: signerOf(options.key),
    references: [{ id: idOf(assertion), position: 1 }],
    signatureAlgorithm: options.signatureAlgorithm,
    digestAlgorithm: options.digestAlgorithm,
    inclusivePrefixes: ASSERTION_PREFIXES,
  };
}

/** The value of a typed element's ID attribute (SAML 2.0 and metadata). */
export function idOf(node: XmlElement, idAttribute = 'ID'): string {
  const id = node.attributes.find((attribute) => attribute.name === idAttribute)?.value;
  if (id === undefined) throw new Error(`${node.name} has no ${idAttribute}`);
  return id;
}

const saml = (name: string, attributes: Record<string, string | undefined> = {}, children: Array<XmlElement | string> = []) =>
  element(NS.saml, `saml:${name}`, attributes, children);

/** The saml:Assertion, for a document of its own or a samlp:Response. */
export function assertionElement(input: AssertionInput): XmlElement {
  assertSamlId(input.id, 'assertion ID');
  const { app, session } = input;
  if (!Number.isSafeInteger(app.lifetimeInSeconds) || app.lifetimeInSeconds <= 0) {
    throw new Error(`lifetimeInSeconds must be a positive integer, got ${app.lifetimeInSeconds}`);
  }
  const notOnOrAfter = xsDateTime(addSeconds(input.now, app.lifetimeInSeconds));
  const subject = saml('Subject', {}, [
    saml('NameID', { Format: app.nameIdentifierFormat }, [nameIdValue(app.nameIdentifierFormat, input)]),
    // Bearer confirmation data carries no NotBefore (SAML profiles 4.1.4.2).
    saml('SubjectConfirmation', { Method: BEARER }, [
      saml('SubjectConfirmationData', { NotOnOrAfter: notOnOrAfter, Recipient: app.recipient || input.acsUrl, InResponseTo: input.inResponseTo }),
    ]),
  ]);
  const conditions = saml('Conditions', { NotBefore: xsDateTime(input.now), NotOnOrAfter: notOnOrAfter }, [
    saml('AudienceRestriction', {}, [saml('Audience', {}, [app.audience])]),
  ]);
  const authnStatement = saml(
    'AuthnStatement',
    {
      AuthnInstant: xsDateTime(session.authnInstant),
      SessionIndex: session.sessionIndex,
      SessionNotOnOrAfter: session.notOnOrAfter ? xsDateTime(session.notOnOrAfter) : undefined,
    },
    [saml('AuthnContext', {}, [saml('AuthnContextClassRef', {}, [PASSWORD_PROTECTED_TRANSPORT])])],
  );
  const attributes = releasedValues(app.mappings, input.profile);
  const children = [saml('Issuer', {}, [input.issuer]), subject, conditions, authnStatement];
  // The schema requires at least one Attribute in an AttributeStatement: none, no statement.
  if (attributes.length > 0) children.push(saml('AttributeStatement', {}, attributes.map(attributeElement)));
  // Declared here so an assertion taken out of its Response still resolves xsi:type="xs:string".
  return element(NS.saml, 'saml:Assertion', { ID: input.id, IssueInstant: xsDateTime(input.now), Version: '2.0' }, children, ASSERTION_DECLARATIONS);
}

const ASSERTION_DECLARATIONS: Readonly<Record<string, string>> = Object.freeze({ xs: NS.xs, xsi: NS.xsi });

const XSI_TYPE_STRING: readonly XmlAttribute[] = [{ name: 'xsi:type', ns: NS.xsi, value: 'xs:string' }];

function attributeElement([name, value]: [string, string]): XmlElement {
  const attributeValue: XmlElement = { name: 'saml:AttributeValue', ns: NS.saml, declarations: undefined, attributes: XSI_TYPE_STRING, children: [value] };
  return saml('Attribute', { Name: name, NameFormat: ATTRNAME_FORMAT_URI }, [attributeValue]);
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

/** [name, value] for each mapping whose profile field has a non-empty value, in mapping order (SAML attributes and WS-Fed claims alike). */
export function releasedValues(mappings: Readonly<Record<string, string>>, profile: Record<string, string>): Array<[string, string]> {
  const released: Array<[string, string]> = [];
  for (const [field, name] of Object.entries(mappings)) {
    const value = Object.hasOwn(profile, field) ? profile[field] : undefined;
    if (value) released.push([name, normalizeLineEnds(value)]);
  }
  return released;
}

/**
 * Every XML parser turns CR LF and lone CR into LF (XML 1.0 section 2.11) in what it reads: the value
 * sent is the value relying parties have always seen (a lone CR would otherwise travel as &#xD;).
 */
function normalizeLineEnds(value: string): string {
  return value.replace(/\r\n?/g, '\n');
}
