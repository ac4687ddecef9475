import { SAML, SamlStatusError, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { expect } from 'chai';
import type { XmlElement } from '../../../src/xml/nodes.js';
import type { SigningKey } from '../../../src/keys/keyring.js';
import { randomIds } from '../../../src/ids.js';
import { STATUS } from '../../../src/saml/status.js';
import {
  buildResponse,
  responseElement,
  statusErrorElement,
  buildStatusResponse,
  signResponse,
  signResponseAsync,
  signStatusResponse,
  type ResponseInput,
  type StatusResponseHeader,
} from '../../../src/saml/response.js';
import { NAMEID_FORMATS, NS } from '../../../src/xml/namespaces.js';
import { expectRoot, parseUntrustedXml } from '../../../src/xml/parse.js';
import { verifyXmlSignature } from '../../../src/xml/sign.js';
import { signerOf } from '../../../src/xml/signer.js';
import { type TestSigningKey, expectVerifiedAndValid, makeSigningKey, requireTool, xmllintValidate, xmlsecVerify, PROTOCOL_SCHEMA, extractAssertion } from '../../helpers/xml-tools.js';

const IDP = 'urn:fedmeta.test';
const SP = 'urn:sp.test';
const ACS = 'https://sp.test/saml/acs';
const MARKUP = ' <b>Ann & "Bo"</b> ]]> Zoë 東京 😀 ';
const TITLE = 'urn:oid:2.5.4.12';
const ASSERTION_NODE = `${NS.saml}:Assertion`;
const RESPONSE_NODE = `${NS.samlp}:Response`;


function responseInput(overrides: Partial<ResponseInput> = {}): ResponseInput {
  const now = new Date();
  return {
    id: randomIds.samlId(),
    issuer: IDP,
    now,
    destination: ACS,
    inResponseTo: '_request1',
    assertion: {
      id: randomIds.samlId(),
      app: {
        audience: SP,
        mappings: { user_id: 'urn:oid:0.9.2342.19200300.100.1.1', email: 'urn:oid:0.9.2342.19200300.100.1.3', title: TITLE },
        nameIdentifierFormat: NAMEID_FORMATS.persistent,
        lifetimeInSeconds: 3600,
      },
      profile: { user_id: 'auth0|u1', email: 'ann@example.com', name: 'Ann', title: MARKUP },
      session: { authnInstant: new Date(now.getTime() - 60_000), sessionIndex: '_session1' },
    },
    ...overrides,
  };
}

interface SpOptions {
  cert: SigningKey;
  wantResponseSigned: boolean;
  audience?: string;
  validateInResponseTo?: ValidateInResponseTo;
}

/** node-saml as a service provider trusting only `cert`, wanting the assertion signed. */
function serviceProvider(options: SpOptions): SAML {
  return new SAML({
    callbackUrl: ACS,
    issuer: options.audience ?? SP,
    audience: options.audience ?? SP,
    idpCert: options.cert.published.certPem,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: options.wantResponseSigned,
    validateInResponseTo: options.validateInResponseTo ?? ValidateInResponseTo.never,
    acceptedClockSkewMs: 5000,
  });
}

async function accepted(sp: SAML, xml: string): Promise<Profile> {
  const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });
  expect(profile).to.not.equal(null);
  return profile!;
}

async function rejection(sp: SAML, xml: string): Promise<Error> {
  try {
    await sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml, 'utf8').toString('base64') });
  } catch (error) {
    return error as Error;
  }
  throw new Error('node-saml accepted the response');
}

function parse(xml: string): Element {
  return expectRoot(parseUntrustedXml(xml, { maxBytes: 1 << 20 }), NS.samlp, 'Response');
}

function children(parent: Element): Element[] {
  return Array.from(parent.childNodes).filter((node): node is Element => node.nodeType === 1);
}


describe('saml/response: buildResponse', () => {
  it('has ID, InResponseTo, Version, IssueInstant, Destination, then Issuer, Status Success and the Assertion', () => {
    const input = responseInput({ id: '_response1', now: new Date('2030-01-02T03:04:05.678Z') });
    const root = parse(buildResponse(input));
    expect(root.prefix).to.equal('samlp');
    expect(root.getAttribute('ID')).to.equal('_response1');
    expect(root.getAttribute('InResponseTo')).to.equal('_request1');
    expect(root.getAttribute('Version')).to.equal('2.0');
    expect(root.getAttribute('IssueInstant')).to.equal('2030-01-02T03:04:05Z');
    expect(root.getAttribute('Destination')).to.equal(ACS);
    expect(children(root).map((child) => `${child.namespaceURI} ${child.localName}`)).to.deep.equal([
      `${NS.saml} Issuer`,
      `${NS.samlp} Status`,
      `${NS.saml} Assertion`,
    ]);
    expect(children(root)[0]!.textContent).to.equal(IDP);
    const codes = root.getElementsByTagNameNS(NS.samlp, 'StatusCode');
    expect(Array.from(codes).map((code) => code.getAttribute('Value'))).to.deep.equal([STATUS.success]);
  });

  it('gives the assertion the Response issuer, instant, ACS URL and InResponseTo', () => {
    const input = responseInput({ now: new Date('2030-01-02T03:04:05Z') });
    const assertion = parse(buildResponse(input)).getElementsByTagNameNS(NS.saml, 'Assertion')[0]!;
    expect(assertion.getAttribute('ID')).to.equal(input.assertion.id);
    expect(assertion.getAttribute('IssueInstant')).to.equal('2030-01-02T03:04:05Z');
    expect(assertion.getElementsByTagNameNS(NS.saml, 'Issuer')[0]!.textContent).to.equal(IDP);
    const data = assertion.getElementsByTagNameNS(NS.saml, 'SubjectConfirmationData')[0]!;
    expect(data.getAttribute('Recipient')).to.equal(ACS);
    expect(data.getAttribute('InResponseTo')).to.equal('_request1');
  });

  it('omits InResponseTo from the Response and the assertion when IdP-initiated', () => {
    const root = parse(buildResponse(responseInput({ inResponseTo: undefined })));
    expect(root.hasAttribute('InResponseTo')).to.equal(false);
    expect(root.getElementsByTagNameNS(NS.saml, 'SubjectConfirmationData')[0]!.hasAttribute('InResponseTo')).to.equal(false);
  });

  it('refuses a response ID that is not an NCName', () => {
    expect(() => buildResponse(responseInput({ id: 'not an id' }))).to.throw(/NCName/);
  });
});

describe('saml/response: signResponse', () => {
  let key: TestSigningKey;
  let other: SigningKey;

  before(async () => {
    [key, other] = await Promise.all([makeSigningKey(), makeSigningKey('other.test')]);
  });

  const sign = (xml: XmlElement, signResponseToo: boolean, signatureAlgorithm: 'rsa-sha256' | 'rsa-sha1' = 'rsa-sha256') =>
    signResponse(xml, {
      key,
      signResponse: signResponseToo,
      signatureAlgorithm,
      digestAlgorithm: signatureAlgorithm === 'rsa-sha1' ? 'sha1' : 'sha256',
    });

  it('signs only the assertion by default, the Signature right after the assertion Issuer', () => {
    const root = parse(sign(responseElement(responseInput()), false));
    expect(children(root).map((child) => child.localName)).to.deep.equal(['Issuer', 'Status', 'Assertion']);
    const assertion = children(root)[2]!;
    expect(children(assertion).map((child) => child.localName).slice(0, 3)).to.deep.equal(['Issuer', 'Signature', 'Subject']);
    expect(root.getElementsByTagNameNS(NS.ds, 'Signature').length).to.equal(1);
  });

  it('with signResponse signs the Response after the assertion, so the outer digest covers the inner signature', () => {
    const xml = sign(responseElement(responseInput()), true);
    const root = parse(xml);
    expect(children(root).map((child) => child.localName)).to.deep.equal(['Issuer', 'Signature', 'Status', 'Assertion']);
    const outer = verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.samlp, 'Response']] });
    const trusted = parseUntrustedXml(outer.signedXml, { maxBytes: 1 << 20 }).documentElement!;
    const innerSignature = trusted.getElementsByTagNameNS(NS.saml, 'Assertion')[0]!.getElementsByTagNameNS(NS.ds, 'Signature');
    expect(innerSignature.length).to.equal(1);
    const inner = verifyXmlSignature(xml, [key.published.certBase64], {
      element: [
        [NS.samlp, 'Response'],
        [NS.saml, 'Assertion'],
      ],
    });
    expect(inner.signedXml).to.match(/^<saml:Assertion /);
  });

  it('signResponseAsync (the sign-in path) makes the RSA signatures off the event loop and emits the very same bytes', async () => {
    for (const signResponseToo of [false, true]) {
      const response = responseElement(responseInput());
      let offLoop = 0;
      let onLoop = 0;
      const signer = signerOf({ privateKey: key.privateKey, published: key.published }); // a key held in this process
      const counted = {
        certBase64: signer.certBase64,
        sign: (data: Buffer, algorithm: 'rsa-sha256' | 'rsa-sha1') => (onLoop++, signer.sign(data, algorithm)),
        signAsync: (data: Buffer, algorithm: 'rsa-sha256' | 'rsa-sha1') => (offLoop++, signer.signAsync!(data, algorithm)),
      };
      const options = { key: counted, signResponse: signResponseToo, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' } as const;
      const xml = await signResponseAsync(response, options);
      expect([offLoop, onLoop], 'every signature off the loop').to.deep.equal([signResponseToo ? 2 : 1, 0]);
      expect(xml, 'RSA PKCS#1 v1.5 is deterministic: the same bytes as the synchronous path').to.equal(signResponse(response, options));
      expect(verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.samlp, 'Response'], [NS.saml, 'Assertion']] }).signedXml).to.match(/^<saml:Assertion /);
    }
  });

  for (const signResponseToo of [false, true]) {
    for (const algorithm of ['rsa-sha256', 'rsa-sha1'] as const) {
      it(`node-saml accepts it (signResponse ${signResponseToo}, ${algorithm}) with the NameID and byte-exact attributes`, async () => {
        const input = responseInput();
        const xml = sign(responseElement(input), signResponseToo, algorithm);
        const profile = await accepted(serviceProvider({ cert: key, wantResponseSigned: signResponseToo }), xml);
        expect(profile.issuer).to.equal(IDP);
        expect(profile.nameID).to.equal('auth0|u1');
        expect(profile.nameIDFormat).to.equal(NAMEID_FORMATS.persistent);
        expect(profile.sessionIndex).to.equal('_session1');
        expect(profile.attributes).to.deep.equal({
          'urn:oid:0.9.2342.19200300.100.1.1': 'auth0|u1',
          'urn:oid:0.9.2342.19200300.100.1.3': 'ann@example.com',
          [TITLE]: MARKUP,
        });
      });
    }
  }

  it('node-saml validates InResponseTo against its request cache, once (SP-initiated)', async () => {
    const sp = serviceProvider({ cert: key, wantResponseSigned: true, validateInResponseTo: ValidateInResponseTo.always });
    const xml = sign(responseElement(responseInput()), true);
    expect((await rejection(sp, xml)).message).to.match(/InResponseTo is not valid/);
    await sp.cacheProvider.saveAsync('_request1', new Date().toISOString());
    expect((await accepted(sp, xml)).inResponseTo).to.equal('_request1');
    expect((await rejection(sp, xml)).message).to.match(/InResponseTo is not valid/);
  });

  it('node-saml accepts an IdP-initiated response when InResponseTo is checked only if present', async () => {
    const sp = serviceProvider({ cert: key, wantResponseSigned: false, validateInResponseTo: ValidateInResponseTo.ifPresent });
    const profile = await accepted(sp, sign(responseElement(responseInput({ inResponseTo: undefined })), false));
    expect(profile.nameID).to.equal('auth0|u1');
    expect(profile.inResponseTo).to.equal(undefined);
  });

  for (const signResponseToo of [false, true]) {
    it(`node-saml rejects it (signResponse ${signResponseToo}) with another certificate or one changed character`, async () => {
      const xml = sign(responseElement(responseInput()), signResponseToo);
      const untrusting = serviceProvider({ cert: other, wantResponseSigned: signResponseToo });
      expect((await rejection(untrusting, xml)).message).to.match(/Invalid (document )?signature/);
      const tampered = xml.replace('Ann &amp;', 'Anne&amp;');
      expect(tampered).to.have.length(xml.length).and.not.equal(xml);
      const trusting = serviceProvider({ cert: key, wantResponseSigned: signResponseToo });
      expect((await rejection(trusting, tampered)).message).to.match(/Invalid (document )?signature/);
    });
  }

  it('node-saml rejects it for another audience, once expired, and unsigned at Response level when it wants that', async () => {
    const xml = sign(responseElement(responseInput()), true);
    const elsewhere = serviceProvider({ cert: key, wantResponseSigned: true, audience: 'urn:other-sp.test' });
    expect((await rejection(elsewhere, xml)).message).to.match(/audience mismatch/);

    const sp = serviceProvider({ cert: key, wantResponseSigned: false });
    const old = responseInput({ now: new Date(Date.now() - 2 * 3600_000) });
    expect((await rejection(sp, sign(responseElement(old), false))).message).to.match(/expired/);

    const strict = serviceProvider({ cert: key, wantResponseSigned: true });
    expect((await rejection(strict, sign(responseElement(responseInput()), false))).message).to.match(/Invalid document signature/);
  });

  it('xmlsec1 verifies the assertion signature, and with signResponse the Response signature too', function () {
    requireTool(this, 'xmlsec1');
    const assertionOnly = sign(responseElement(responseInput()), false);
    let result = xmlsecVerify(assertionOnly, key.published.certPem, ASSERTION_NODE);
    expect(result.ok, result.output).to.equal(true);

    const both = sign(responseElement(responseInput()), true, 'rsa-sha1');
    result = xmlsecVerify(both, key.published.certPem, RESPONSE_NODE);
    expect(result.ok, result.output).to.equal(true);
    result = xmlsecVerify(extractAssertion(both), key.published.certPem, ASSERTION_NODE);
    expect(result.ok, result.output).to.equal(true);
  });

  it('xmlsec1 rejects both signatures with another certificate or one changed character', function () {
    requireTool(this, 'xmlsec1');
    const xml = sign(responseElement(responseInput()), true);
    const tampered = xml.replace('Ann &amp;', 'Anne&amp;');
    for (const [doc, cert] of [
      [xml, other],
      [tampered, key],
    ] as const) {
      expect(xmlsecVerify(doc, cert.published.certPem, RESPONSE_NODE).ok).to.equal(false);
      expect(xmlsecVerify(extractAssertion(doc), cert.published.certPem, ASSERTION_NODE).ok).to.equal(false);
    }
  });

  it('validates against the OASIS protocol schema: unsigned, assertion signed, both signed', function () {
    requireTool(this, 'xmllint');
    const xml = buildResponse(responseInput());
    for (const doc of [xml, sign(responseElement(responseInput()), false), sign(responseElement(responseInput()), true)]) {
      const result = xmllintValidate(doc, PROTOCOL_SCHEMA);
      expect(result.ok, result.output).to.equal(true);
    }
  });

  it('the schema check is real: a Status after the Assertion is refused', function () {
    requireTool(this, 'xmllint');
    const xml = buildResponse(responseInput());
    const status = /<samlp:Status>.*<\/samlp:Status>/.exec(xml)![0];
    const misordered = xml.replace(status, '').replace('</samlp:Response>', `${status}</samlp:Response>`);
    const result = xmllintValidate(misordered, PROTOCOL_SCHEMA);
    expect(result.ok).to.equal(false);
    expect(result.output).to.match(/Element '\{urn:oasis:names:tc:SAML:2.0:assertion\}Assertion': This element is not expected/);
  });
});

describe('saml/response: error status responses', () => {
  let key: SigningKey;
  const header = (): StatusResponseHeader => ({ id: '_error1', issuer: IDP, now: new Date(), destination: ACS, inResponseTo: '_request1' });
  const signed = (xml: XmlElement) => signStatusResponse(xml, { key, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

  before(async () => {
    key = await makeSigningKey();
  });

  it('nests the second-level StatusCode in the top-level one, adds the StatusMessage, and carries no assertion', () => {
    const xml = buildStatusResponse(header(), { code: STATUS.requester, subCode: STATUS.requestDenied, message: 'denied <here>' });
    const root = parse(xml);
    expect(root.getAttribute('InResponseTo')).to.equal('_request1');
    expect(root.getAttribute('Destination')).to.equal(ACS);
    expect(children(root).map((child) => child.localName)).to.deep.equal(['Issuer', 'Status']);
    const status = children(root)[1]!;
    expect(children(status).map((child) => child.localName)).to.deep.equal(['StatusCode', 'StatusMessage']);
    const top = children(status)[0]!;
    expect(top.getAttribute('Value')).to.equal(STATUS.requester);
    expect(children(top).map((child) => [child.localName, child.getAttribute('Value')])).to.deep.equal([
      ['StatusCode', STATUS.requestDenied],
    ]);
    expect(children(status)[1]!.textContent).to.equal('denied <here>');
    expect(root.getElementsByTagNameNS(NS.saml, 'Assertion').length).to.equal(0);
  });

  it('has just the top-level code when given no second level (VersionMismatch)', () => {
    const root = parse(buildStatusResponse(header(), { code: STATUS.versionMismatch }));
    const codes = Array.from(root.getElementsByTagNameNS(NS.samlp, 'StatusCode'));
    expect(codes.map((code) => code.getAttribute('Value'))).to.deep.equal([STATUS.versionMismatch]);
    expect(root.getElementsByTagNameNS(NS.samlp, 'StatusMessage').length).to.equal(0);
  });

  it('refuses Success: a successful Response carries an assertion', () => {
    expect(() => buildStatusResponse(header(), { code: STATUS.success })).to.throw(/buildResponse/);
  });

  it('is signed at the Response level, after the Issuer, and verifies with verifyXmlSignature, xmlsec1 and the schema', function () {
    const xml = signed(statusErrorElement(header(), { code: STATUS.requester, subCode: STATUS.requestDenied, message: 'no' }));
    expect(children(parse(xml)).map((child) => child.localName)).to.deep.equal(['Issuer', 'Signature', 'Status']);
    verifyXmlSignature(xml, [key.published.certBase64], { element: [[NS.samlp, 'Response']] });
    expectVerifiedAndValid(this, xml, key.published.certPem, RESPONSE_NODE);
  });

  it('node-saml reports the status as an error, and a signed NoPassive as no profile', async () => {
    const sp = serviceProvider({ cert: key, wantResponseSigned: true });
    const denied = signed(statusErrorElement(header(), { code: STATUS.requester, subCode: STATUS.requestDenied, message: 'not for you' }));
    const error = await rejection(sp, denied);
    expect(error).to.be.instanceOf(SamlStatusError);
    expect(error.message).to.equal('SAML provider returned Requester error: not for you');
    const noPassive = signed(statusErrorElement(header(), { code: STATUS.responder, subCode: STATUS.noPassive }));
    const result = await sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(noPassive).toString('base64') });
    expect(result).to.deep.equal({ profile: null, loggedOut: false });
  });
});
