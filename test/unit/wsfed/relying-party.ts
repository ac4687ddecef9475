// A strict WS-Fed relying party for the tests (the npm ones do not install here): it learns the
// signing certificates ONLY from federation metadata, verifies a wresult's token signature with
// xmlsec1 (trusting only those certificates) AND with an independent library (node-saml for SAML 2.0,
// xml-crypto for SAML 1.1), then reads every claim from the signed bytes alone.
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { getVerifiedXml } from '@node-saml/node-saml/lib/xml.js';
import { xmlsecVerify } from '../../helpers/xml-tools.js';

const NS = {
  md: 'urn:oasis:names:tc:SAML:2.0:metadata',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  fed: 'http://docs.oasis-open.org/wsfed/federation/200706',
  auth: 'http://docs.oasis-open.org/wsfed/authorization/200706',
  wsa: 'http://www.w3.org/2005/08/addressing',
  t: 'http://schemas.xmlsoap.org/ws/2005/02/trust',
  wsp: 'http://schemas.xmlsoap.org/ws/2004/09/policy',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  saml1: 'urn:oasis:names:tc:SAML:1.0:assertion',
  saml2: 'urn:oasis:names:tc:SAML:2.0:assertion',
};
export const RP_NS = NS;

export class TokenRejected extends Error {}
const reject = (why: string): never => {
  throw new TokenRejected(why);
};

export function parseXml(xml: string): Document {
  const fail = (message: unknown) => reject(`malformed XML: ${String(message)}`);
  return new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(xml, 'text/xml') as unknown as Document;
}

export const elements = (parent: Element | Document, ns: string, name: string): Element[] =>
  Array.from(parent.getElementsByTagNameNS(ns, name)) as Element[];
export const children = (parent: Element): Element[] =>
  Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
function one(parent: Element | Document, ns: string, name: string): Element {
  const found = elements(parent, ns, name);
  if (found.length !== 1) reject(`expected exactly one ${name}, found ${found.length}`);
  return found[0]!;
}
const text = (parent: Element | Document, ns: string, name: string) => one(parent, ns, name).textContent ?? '';

export const pemOf = (base64: string) => `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;

export interface FederationMetadataView {
  entityId: string;
  /** Base64 DER certificates of the STS role's signing KeyDescriptors: the only trust anchors. */
  certs: string[];
  passiveEndpoint: string;
  tokenTypes: string[];
  claimTypes: string[];
}

/** What a WIF-style relying party reads: the RoleDescriptor of xsi:type fed:SecurityTokenServiceType. */
export function readFederationMetadata(xml: string): FederationMetadataView {
  const root = parseXml(xml).documentElement!;
  const sts = elements(root, NS.md, 'RoleDescriptor').filter((role) => {
    const [prefix, local] = (role.getAttributeNS(NS.xsi, 'type') ?? '').split(':');
    return local === 'SecurityTokenServiceType' && role.lookupNamespaceURI(prefix ?? null) === NS.fed;
  });
  if (sts.length !== 1) reject(`expected one SecurityTokenServiceType RoleDescriptor, found ${sts.length}`);
  const role = sts[0]!;
  const certs = children(role)
    .filter((child) => child.namespaceURI === NS.md && child.localName === 'KeyDescriptor' && (child.getAttribute('use') || 'signing') === 'signing')
    .map((descriptor) => text(descriptor, NS.ds, 'X509Certificate').replace(/\s+/g, ''));
  return {
    entityId: root.getAttribute('entityID')!,
    certs,
    passiveEndpoint: text(one(role, NS.fed, 'PassiveRequestorEndpoint'), NS.wsa, 'Address'),
    tokenTypes: elements(role, NS.fed, 'TokenType').map((type) => type.getAttribute('Uri')!),
    claimTypes: elements(role, NS.auth, 'ClaimType').map((type) => type.getAttribute('Uri')!),
  };
}

export interface Expectations {
  certs: string[];
  realm: string;
  issuer: string;
  now: Date;
}

export interface AcceptedToken {
  tokenType: string;
  assertionId: string;
  nameId: string;
  claims: Record<string, string>;
  notBefore: Date;
  notOnOrAfter: Date;
  /** The canonical bytes the signature covers (everything above is read from them). */
  signedXml: string;
}

const SAML1 = 'urn:oasis:names:tc:SAML:1.0:assertion';
const SAML2 = 'urn:oasis:names:tc:SAML:2.0:assertion';

export function acceptWresult(wresult: string, expected: Expectations): AcceptedToken {
  const rstr = parseXml(wresult).documentElement!;
  if (rstr.namespaceURI !== NS.t || rstr.localName !== 'RequestSecurityTokenResponse') reject('not an RSTR');
  if (text(one(rstr, NS.wsp, 'AppliesTo'), NS.wsa, 'Address') !== expected.realm) reject('AppliesTo is not our realm');
  if (text(rstr, NS.t, 'RequestType') !== `${NS.t}/Issue`) reject('RequestType is not Issue');
  if (text(rstr, NS.t, 'KeyType') !== 'http://schemas.xmlsoap.org/ws/2005/05/identity/NoProofKey') reject('KeyType is not bearer');
  const lifetime = one(rstr, NS.t, 'Lifetime');
  if (!(new Date(text(lifetime, NS.wsu, 'Created')) <= expected.now && expected.now < new Date(text(lifetime, NS.wsu, 'Expires')))) reject('RSTR Lifetime');
  const tokenType = text(rstr, NS.t, 'TokenType');
  const tokens = children(one(rstr, NS.t, 'RequestedSecurityToken'));
  const token = tokens[0];
  if (tokens.length !== 1 || !token || token.localName !== 'Assertion' || token.namespaceURI !== tokenType) reject('RequestedSecurityToken does not hold one assertion of the TokenType');
  const saml11 = tokenType === SAML1;
  if (!saml11 && tokenType !== SAML2) reject(`unexpected TokenType ${tokenType}`);
  const idAttribute = saml11 ? 'AssertionID' : 'ID';

  const byXmlsec = expected.certs.some((cert) => xmlsecVerify(wresult, pemOf(cert), `${tokenType}:Assertion`, idAttribute).ok);
  if (!byXmlsec) reject('signature not verified by xmlsec1 with the published certificates');
  const signedXml = saml11 ? verifyWithXmlCrypto(wresult, token!, expected.certs) : getVerifiedXml(wresult, token!, expected.certs.map(pemOf));
  if (!signedXml) reject(`signature not verified by ${saml11 ? 'xml-crypto' : 'node-saml'} with the published certificates`);
  return saml11 ? readSaml11(signedXml!, tokenType, expected) : readSaml20(signedXml!, tokenType, expected);
}

function verifyWithXmlCrypto(xml: string, assertion: Element, certs: string[]): string | null {
  const signatures = children(assertion).filter((child) => child.namespaceURI === NS.ds && child.localName === 'Signature');
  if (signatures.length !== 1) return null;
  const id = assertion.getAttribute('AssertionID');
  if (!id || elements(assertion.ownerDocument!, SAML1, 'Assertion').filter((a) => a.getAttribute('AssertionID') === id).length !== 1) return null;
  for (const cert of certs) {
    const verifier = new SignedXml({ publicCert: pemOf(cert), idAttribute: 'AssertionID', getCertFromKeyInfo: () => null });
    try {
      verifier.loadSignature(signatures[0]!);
      const references = verifier.getReferences();
      if (references.length !== 1 || references[0]!.uri !== `#${id}`) return null;
      if (verifier.checkSignature(xml) && verifier.getSignedReferences().length === 1) return verifier.getSignedReferences()[0]!;
    } catch {
      // another certificate may verify it
    }
  }
  return null;
}

function checkWindow(notBefore: Date, notOnOrAfter: Date, now: Date): void {
  if (!(notBefore <= now && now < notOnOrAfter)) reject('assertion is not valid now');
}

function readSaml11(signedXml: string, tokenType: string, expected: Expectations): AcceptedToken {
  const assertion = parseXml(signedXml).documentElement!;
  if (assertion.getAttribute('Issuer') !== expected.issuer) reject('Issuer');
  if (assertion.getAttribute('MajorVersion') !== '1' || assertion.getAttribute('MinorVersion') !== '1') reject('SAML version');
  const conditions = one(assertion, SAML1, 'Conditions');
  if (elements(conditions, SAML1, 'Audience').map((a) => a.textContent).join() !== expected.realm) reject('Audience');
  const notBefore = new Date(conditions.getAttribute('NotBefore')!);
  const notOnOrAfter = new Date(conditions.getAttribute('NotOnOrAfter')!);
  checkWindow(notBefore, notOnOrAfter, expected.now);
  if (elements(assertion, SAML1, 'ConfirmationMethod').some((m) => m.textContent !== 'urn:oasis:names:tc:SAML:1.0:cm:bearer')) reject('not bearer');
  const claims: Record<string, string> = {};
  for (const attribute of elements(assertion, SAML1, 'Attribute')) {
    claims[`${attribute.getAttribute('AttributeNamespace')}/${attribute.getAttribute('AttributeName')}`] = text(attribute, SAML1, 'AttributeValue');
  }
  const nameIds = new Set(elements(assertion, SAML1, 'NameIdentifier').map((n) => n.textContent ?? ''));
  if (nameIds.size !== 1) reject('subjects differ');
  return { tokenType, assertionId: assertion.getAttribute('AssertionID')!, nameId: [...nameIds][0]!, claims, notBefore, notOnOrAfter, signedXml };
}

function readSaml20(signedXml: string, tokenType: string, expected: Expectations): AcceptedToken {
  const assertion = parseXml(signedXml).documentElement!;
  if (text(assertion, SAML2, 'Issuer') !== expected.issuer) reject('Issuer');
  const conditions = one(assertion, SAML2, 'Conditions');
  if (elements(conditions, SAML2, 'Audience').map((a) => a.textContent).join() !== expected.realm) reject('Audience');
  const notBefore = new Date(conditions.getAttribute('NotBefore')!);
  const notOnOrAfter = new Date(conditions.getAttribute('NotOnOrAfter')!);
  checkWindow(notBefore, notOnOrAfter, expected.now);
  if (one(assertion, SAML2, 'SubjectConfirmation').getAttribute('Method') !== 'urn:oasis:names:tc:SAML:2.0:cm:bearer') reject('not bearer');
  const claims: Record<string, string> = {};
  for (const attribute of elements(assertion, SAML2, 'Attribute')) claims[attribute.getAttribute('Name')!] = text(attribute, SAML2, 'AttributeValue');
  return { tokenType, assertionId: assertion.getAttribute('ID')!, nameId: text(assertion, SAML2, 'NameID'), claims, notBefore, notOnOrAfter, signedXml };
}
