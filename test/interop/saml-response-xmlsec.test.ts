// The Response that fedmeta actually posts, taken from a live sign-in, checked by independent
// tools trusting only the published certificate: xmlsec1 for both signatures, xmllint for the schema.
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm } from '../helpers/browser.js';
import { currentKeyFromApi, nextKeyFromApi } from '../helpers/current-key.js';
import { PROTOCOL_SCHEMA, extractAssertion, requireTool, xmllintValidate, xmlsecVerify } from '../helpers/xml-tools.js';

const SAMLP = 'urn:oasis:names:tc:SAML:2.0:protocol';
const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';

describe('live SAML Response: xmlsec1 and the OASIS schema', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer();
    const actor = { type: 'system' as const, id: 'test' };
    await server.services.users.create({ email: 'ann@example.com', password: 'correct horse', name: 'Ann <&> "Bo"' }, actor);
    for (const [audience, signResponse, signatureAlgorithm] of [
      ['urn:both', true, 'rsa-sha256'],
      ['urn:sha1', false, 'rsa-sha1'],
    ] as const) {
      await server.services.clients.create(
        { name: audience, callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience, signResponse, signatureAlgorithm, digestAlgorithm: signatureAlgorithm === 'rsa-sha1' ? 'sha1' : 'sha256' } } },
        actor,
      );
    }
  });
  after(async () => server.destroy());

  async function liveResponse(audience: string): Promise<string> {
    const app = server.services.catalog.bySamlAudience(audience)!;
    const browser = new Browser();
    let page = await browser.follow(`${server.url}/samlp/${app.clientId}`);
    page = await browser.submit(page, { username: 'ann@example.com', password: 'correct horse' });
    return Buffer.from(readForm(page.body, page.url).fields.SAMLResponse!, 'base64').toString('utf8');
  }

  it('signResponse: the Response and its Assertion are both signed by the current key, and schema-valid', async function () {
    requireTool(this, 'xmlsec1');
    requireTool(this, 'xmllint');
    const xml = await liveResponse('urn:both');
    const { pem } = await currentKeyFromApi(server);
    const response = xmlsecVerify(xml, pem, `${SAMLP}:Response`);
    expect(response.ok, response.output).to.equal(true);
    const assertion = xmlsecVerify(extractAssertion(xml), pem, `${SAML}:Assertion`);
    expect(assertion.ok, assertion.output).to.equal(true);
    const valid = xmllintValidate(xml, PROTOCOL_SCHEMA);
    expect(valid.ok, valid.output).to.equal(true);
    // The next key (published, not yet signing) does not verify it.
    const next = await nextKeyFromApi(server);
    expect(xmlsecVerify(xml, next.pem, `${SAMLP}:Response`).ok).to.equal(false);
  });

  it('rsa-sha1 on request: the assertion is signed with rsa-sha1/sha1 and verifies', async function () {
    requireTool(this, 'xmlsec1');
    requireTool(this, 'xmllint');
    const xml = await liveResponse('urn:sha1');
    expect(xml).to.include('http://www.w3.org/2000/09/xmldsig#rsa-sha1');
    // Either serialization of the empty element (the canonical form writes start and end tags).
    expect(xml).to.match(/<ds:DigestMethod Algorithm="http:\/\/www\.w3\.org\/2000\/09\/xmldsig#sha1"(\/>|><\/ds:DigestMethod>)/);
    const assertion = xmlsecVerify(xml, (await currentKeyFromApi(server)).pem, `${SAML}:Assertion`);
    expect(assertion.ok, assertion.output).to.equal(true);
    expect(xmllintValidate(xml, PROTOCOL_SCHEMA).ok).to.equal(true);
  });
});
