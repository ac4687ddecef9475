// Conformance suite of the canonical-by-construction signer: every document shape fedmeta signs,
// with hostile profile values, checked by xml-crypto (whose c14n must reproduce our bytes), xmlsec1
// trusting only the certificate, and @node-saml/node-saml for SAML responses.
import { profileOf } from '../../../src/users/types.js';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { ASSERTION_PREFIXES, idOf } from '../../../src/saml/assertion.js';
import { randomIds } from '../../../src/ids.js';
import { logoutRequestElement, logoutResponseElement, signLogoutRequest, signLogoutResponse } from '../../../src/saml/logout-response.js';
import { idpMetadataElement, signIdpMetadata } from '../../../src/saml/metadata.js';
import { STATUS } from '../../../src/saml/status.js';
import { responseElement, signResponse, signStatusResponse, statusErrorElement, type ResponseInput } from '../../../src/saml/response.js';
import { federationMetadataElement, signFederationMetadata } from '../../../src/wsfed/metadata.js';
import { saml11AssertionElement, signSaml11Assertion } from '../../../src/wsfed/saml11-assertion.js';
import { WSFED_NS } from '../../../src/wsfed/namespaces.js';
import { buildSignedWresult, type WsfedApp } from '../../../src/wsfed/signin.js';
import { element, type XmlElement } from '../../../src/xml/nodes.js';
import { NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { signDocument, signerOf } from '../../../src/xml/signer.js';
import { checkSignature, oracleCanonical, parseDocument, type ExpectedSignature, type Step } from '../../helpers/signature-oracle.js';
import { extractAssertion, makeSigningKey, requireTool, xmlsecVerify } from '../../helpers/xml-tools.js';
import { optionalIsRequired } from '../../helpers/optional.js';

const HOSTILE: Record<string, string> = {
  markup: `<b>&amp;"'</b>`,
  'CDATA end': 'a]]>b',
  quotes: `"double" 'single'`,
  CR: 'a\rb',
  CRLF: 'a\r\nb',
  'TAB and LF': 'a\tb\nc',
  astral: '😀 𝔘 東京',
  '10 KB': `${'&<>"\u00e9😀'.repeat(1024)}${'x'.repeat(3 * 1024)}`,
  NFC: 'Zo\u00eb',
  NFD: 'Zoe\u0308',
};

const IDP = 'urn:fedmeta.test';
const SP = 'urn:sp.test';
const ACS = 'https://sp.test/saml/acs';
const RESPONSE: Step = [NS.samlp, 'Response'];
const ASSERTION: Step = [NS.saml, 'Assertion'];
const TITLE = 'urn:oid:2.5.4.12';
const SHA256 = { signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' } as const;
const EMAIL = 'urn:oid:0.9.2342.19200300.100.1.3';

/** What xml-crypto, xmlsec1 and node-saml must make of one signed document. */
interface Shape {
  xml: string;
  signatures: ExpectedSignature[];
  /** The InclusiveNamespaces the whole document is written with. */
  rootPrefixes: readonly string[];
  /** For SAML responses: node-saml wants these signed. */
  nodeSaml?: { wantAssertionsSigned: boolean; wantAuthnResponseSigned: boolean };
}

function responseInput(value: string, now: Date): ResponseInput {
  const app = { audience: SP, mappings: { email: EMAIL, name: 'urn:oid:2.5.4.3', title: TITLE }, nameIdentifierFormat: NAMEID_FORMATS.emailAddress, lifetimeInSeconds: 600 };
  return {
    id: randomIds.samlId(),
    issuer: IDP,
    now,
    destination: ACS,
    inResponseTo: '_request1',
    assertion: {
      id: randomIds.samlId(),
      app,
      profile: { user_id: 'auth0|u1', email: value, name: value, title: value },
      // An attribute carrying the hostile value too: TAB, LF and CR must travel as character references.
      session: { authnInstant: new Date(now.getTime() - 60_000), sessionIndex: value },
    },
  };
}

const assertionIn = (steps: Step[]): ExpectedSignature => ({ element: [...steps, ASSERTION], forXmlsec: extractAssertion });
const plain = (element: Step[], idAttribute?: string): ExpectedSignature => ({ element, ...(idAttribute ? { idAttribute } : {}) });

function wsfedApp(tokenFormat: 'saml11' | 'saml20', now: Date): WsfedApp {
  return { clientId: 'c1', name: 'RP', callbacks: ['https://rp.test/'], addons: { wsfed: { realm: 'urn:rp', tokenFormat, lifetimeInSeconds: 600 } }, createdAt: now, updatedAt: now };
}

function wresult(key: SigningKey, value: string, tokenFormat: 'saml11' | 'saml20', now: Date): string {
  const user = { userId: 'auth0|u1', email: value, name: value, admin: false, attributes: {}, passwordHash: 'x', createdAt: now, blocked: false, updatedAt: now };
  const session = { createdAt: now, expiresAt: new Date(now.getTime() + 3_600_000) };
  return buildSignedWresult({ entityId: IDP, app: wsfedApp(tokenFormat, now), wreply: 'https://rp.test/', profile: profileOf(user), session, key, now, ids: randomIds }).wresult;
}

/**
 * An assertion signed inside a signed element of another vocabulary: the signer writes a signed element
 * once and puts those bytes in the document, except where an ancestor renders a namespace they declare
 * (saml here, a default namespace, or ec, which SignedInfo declares); then the document is written whole.
 */
function wrappedAssertion(key: SigningKey, value: string, now: Date, ns: string, qualifiedName: string, declaredAbove: { wrapper: boolean; assertion: boolean }): Shape {
  const response = responseElement(responseInput(value, now));
  const assertion = response.children.at(-1) as XmlElement;
  const wrapper = element(ns, qualifiedName, { ID: randomIds.samlId() }, [assertion]);
  const references = [{ id: idOf(assertion), position: 1 }, { id: idOf(wrapper), position: 0 }];
  const xml = signDocument(wrapper, { signer: signerOf(key), references, inclusivePrefixes: ASSERTION_PREFIXES, ...SHA256 });
  const step: Step = [ns, qualifiedName.split(':').at(-1)!];
  const signatures = [{ ...plain([step]), declaredAbove: declaredAbove.wrapper }, { ...assertionIn([step]), declaredAbove: declaredAbove.assertion }];
  return { xml, signatures, rootPrefixes: ASSERTION_PREFIXES };
}

const SHAPES: Record<string, (key: SigningKey, value: string, now: Date) => Shape> = {
  'assertion signed inside a signed element of another namespace (its bytes reused)': (key, value, now) => wrappedAssertion(key, value, now, 'urn:test:wrapper', 'w:Wrapper', { wrapper: false, assertion: false }),
  'assertion signed inside a signed element that renders saml (written whole)': (key, value, now) => wrappedAssertion(key, value, now, NS.saml, 'saml:Advice', { wrapper: false, assertion: true }),
  'assertion signed inside a signed element with a default namespace (written whole)': (key, value, now) => wrappedAssertion(key, value, now, 'urn:test:wrapper', 'Wrapper', { wrapper: false, assertion: false }),
  'assertion signed inside a signed element that renders ec (SignedInfo written typed)': (key, value, now) => wrappedAssertion(key, value, now, NS.excC14n, 'ec:Wrapper', { wrapper: true, assertion: true }),
  'SAML 2.0 Response, assertion signed': (key, value, now) => ({
    xml: signResponse(responseElement(responseInput(value, now)), { key, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' }),
    signatures: [{ element: [RESPONSE, ASSERTION] }],
    rootPrefixes: ASSERTION_PREFIXES,
    nodeSaml: { wantAssertionsSigned: true, wantAuthnResponseSigned: false },
  }),
  'SAML 2.0 Response signed, assertion not': (key, value, now) => {
    const response = responseElement(responseInput(value, now));
    const xml = signDocument(response, { signer: signerOf(key), references: [{ id: idOf(response), position: 1 }], inclusivePrefixes: ASSERTION_PREFIXES });
    return { xml, signatures: [plain([RESPONSE])], rootPrefixes: ASSERTION_PREFIXES, nodeSaml: { wantAssertionsSigned: false, wantAuthnResponseSigned: true } };
  },
  'SAML 2.0 Response and assertion signed': (key, value, now) => ({
    xml: signResponse(responseElement(responseInput(value, now)), { key, signResponse: true, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' }),
    signatures: [plain([RESPONSE]), assertionIn([RESPONSE])],
    rootPrefixes: ASSERTION_PREFIXES,
    nodeSaml: { wantAssertionsSigned: true, wantAuthnResponseSigned: true },
  }),
  'SAML 2.0 Response and assertion signed, rsa-sha1/sha1': (key, value, now) => ({
    xml: signResponse(responseElement(responseInput(value, now)), { key, signResponse: true, signatureAlgorithm: 'rsa-sha1', digestAlgorithm: 'sha1' }),
    signatures: [plain([RESPONSE]), assertionIn([RESPONSE])],
    rootPrefixes: ASSERTION_PREFIXES,
    nodeSaml: { wantAssertionsSigned: true, wantAuthnResponseSigned: true },
  }),
  'SAML 2.0 error Response': (key, value, now) => ({
    xml: signStatusResponse(statusErrorElement({ id: randomIds.samlId(), issuer: IDP, now, destination: ACS }, { code: STATUS.requester, subCode: STATUS.requestDenied, message: value }), { key, ...SHA256 }),
    signatures: [plain([RESPONSE])],
    rootPrefixes: [],
  }),
  'SAML 1.1 assertion': (key, value, now) => {
    const claims: Array<[string, string]> = [['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name', value]];
    const input = { id: randomIds.samlId(), issuer: value, now, audience: 'urn:rp', lifetimeInSeconds: 600, nameIdentifier: value, claims, authenticationInstant: now };
    return { xml: signSaml11Assertion(saml11AssertionElement(input), key), signatures: [plain([[NS.saml1, 'Assertion']], 'AssertionID')], rootPrefixes: [] };
  },
  'WS-Fed RSTR with a SAML 1.1 token': (key, value, now) => ({
    xml: wresult(key, value, 'saml11', now),
    signatures: [plain([[WSFED_NS.trust, 'RequestSecurityTokenResponse'], [WSFED_NS.trust, 'RequestedSecurityToken'], [NS.saml1, 'Assertion']], 'AssertionID')],
    rootPrefixes: [],
  }),
  'WS-Fed RSTR with a SAML 2.0 token': (key, value, now) => ({
    xml: wresult(key, value, 'saml20', now),
    signatures: [plain([[WSFED_NS.trust, 'RequestSecurityTokenResponse'], [WSFED_NS.trust, 'RequestedSecurityToken'], ASSERTION])],
    rootPrefixes: ASSERTION_PREFIXES,
  }),
  LogoutResponse: (key, value, now) => ({
    xml: signLogoutResponse(logoutResponseElement({ id: randomIds.samlId(), issuer: IDP, now, destination: value, inResponseTo: '_r1', status: { code: STATUS.responder, subCode: STATUS.partialLogout, message: value } }), { key, ...SHA256 }),
    signatures: [plain([[NS.samlp, 'LogoutResponse']])],
    rootPrefixes: [],
  }),
  LogoutRequest: (key, value, now) => ({
    xml: signLogoutRequest(logoutRequestElement({ id: randomIds.samlId(), issuer: IDP, now, destination: ACS, nameId: { value, format: NAMEID_FORMATS.emailAddress }, sessionIndex: value, reason: value }), { key, ...SHA256 }),
    signatures: [plain([[NS.samlp, 'LogoutRequest']])],
    rootPrefixes: [],
  }),
  'SAML IdP metadata': (key, value, now) => {
    const keys = [{ kid: value, certBase64: key.published.certBase64 }];
    const metadata = idpMetadataElement({ entityId: value, keys, ssoUrl: ACS, sloUrl: ACS, validUntil: new Date(now.getTime() + 86_400_000), cacheDurationSeconds: 3600, id: randomIds.samlId() });
    return { xml: signIdpMetadata(metadata, key), signatures: [plain([[NS.md, 'EntityDescriptor']])], rootPrefixes: [] };
  },
  'WS-Fed federation metadata': (key, value, now) => {
    const keys = [{ kid: value, certBase64: key.published.certBase64 }];
    const claims = [{ uri: 'urn:claim', displayName: value, description: value }];
    const input = { entityId: value, id: randomIds.samlId(), keys, endpointUrl: ACS, claims, validUntil: new Date(now.getTime() + 86_400_000), cacheDurationSeconds: 3600 };
    return { xml: signFederationMetadata(federationMetadataElement(input), key), signatures: [plain([[NS.md, 'EntityDescriptor']])], rootPrefixes: ['fed', 'xsi'] };
  },
};

async function nodeSamlAccepts(key: SigningKey, xml: string, wanted: NonNullable<Shape['nodeSaml']>, value: string): Promise<void> {
  const sp = new SAML({ callbackUrl: ACS, issuer: SP, audience: SP, idpCert: key.published.certPem, ...wanted, validateInResponseTo: ValidateInResponseTo.never, acceptedClockSkewMs: 5000 });
  const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });
  const expected = value.replace(/\r\n?/g, '\n');
  expect(profile?.nameID).to.equal(expected);
  expect(profile?.[TITLE], 'a user_metadata attribute, byte-exact').to.equal(expected);
}

describe('xml/signer: canonical-by-construction signatures (conformance)', () => {
  let key: SigningKey;
  let xmlsec = true;
  before(async function () {
    key = await makeSigningKey();
    xmlsec = spawnSync('xmlsec1', ['--version']).error === undefined;
    if (xmlsec) return requireTool(this, 'xmlsec1');
    if (optionalIsRequired()) throw new Error('xmlsec1 is required here but was not found (Debian package xmlsec1)');
    console.log('    (xmlsec1 not found: only xml-crypto and node-saml check the signatures here)');
  });

  it('the oracles are real: one changed character of signed content fails xml-crypto, xmlsec1 and node-saml', async () => {
    const built = SHAPES['SAML 2.0 Response and assertion signed']!(key, HOSTILE.markup!, new Date());
    const changed = built.xml.replace('&lt;b&gt;', '&lt;i&gt;');
    expect(changed).to.not.equal(built.xml);
    for (const signature of built.signatures) expect(() => checkSignature(changed, signature, key, xmlsec)).to.throw();
    expect(() => verifyXmlSignature(changed, [key.published.certBase64], { element: [RESPONSE] })).to.throw(/does not verify|digest/);
    if (xmlsec) expect(xmlsecVerify(changed, key.published.certPem, `${NS.samlp}:Response`).ok).to.equal(false);
    const rejected = await nodeSamlAccepts(key, changed, built.nodeSaml!, HOSTILE.markup!).then(() => false, () => true);
    expect(rejected).to.equal(true);
  });

  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    describe(shapeName, () => {
      for (const [valueName, value] of Object.entries(HOSTILE)) {
        it(`${valueName}: our bytes are xml-crypto's canonical bytes, and the verifiers accept them`, async () => {
          const built = shape(key, value, new Date());
          expect(oracleCanonical(parseDocument(built.xml).documentElement!, built.rootPrefixes), 'the document is the canonical form of its root').to.equal(built.xml);
          for (const signature of built.signatures) checkSignature(built.xml, signature, key, xmlsec);
          if (built.nodeSaml) await nodeSamlAccepts(key, built.xml, built.nodeSaml, value);
        });
      }
    });
  }
});
