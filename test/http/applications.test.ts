import { expect } from 'chai';
import { fixturePath, readFixture, requestFixture } from '../helpers/fixtures.js';
import { addApiClient, getToken, startTestServer, type TestServer } from '../helpers/server.js';
import { expectJsonError, jsonErrorCode as errorCode, thrown } from '../helpers/errors.js';
import { until } from '../helpers/wait.js';
import { runCli } from '../helpers/cli.js';
import { deflateRawSync } from 'node:zlib';
import { parseSpMetadata } from '../../src/saml/sp-metadata.js';
import { FedmetaError } from '../../src/errors.js';

const fixture = (name: string) => readFixture(`metadata/${name}`);
const hostilePath = (name: string) => fixturePath(`requests/hostile/${name}`);
const hostile = (name: string) => requestFixture('hostile', name);

/** SP metadata refused by the importer (CLI, dashboard paste): fixture, code, the attribute the message names. */
const HOSTILE_SP_METADATA: Array<[fixture: string, code: string, named: string]> = [
  ['sp-metadata-authn-requests-signed-yes.xml', 'sp_metadata_invalid_boolean', 'AuthnRequestsSigned'],
  ['sp-metadata-authn-requests-signed-upper-case-true.xml', 'sp_metadata_invalid_boolean', 'AuthnRequestsSigned'],
  ['sp-metadata-want-assertions-signed-invalid.xml', 'sp_metadata_invalid_boolean', 'WantAssertionsSigned'],
  ['sp-metadata-acs-is-default-invalid.xml', 'sp_metadata_invalid_boolean', 'isDefault'],
  ['sp-metadata-valid-until-past.xml', 'sp_metadata_expired', 'validUntil'],
  ['sp-metadata-sp-descriptor-valid-until-past.xml', 'sp_metadata_expired', 'validUntil'],
  ['sp-metadata-valid-until-not-a-date.xml', 'sp_metadata_invalid_date', 'validUntil'],
  ['sp-metadata-two-sp-descriptors.xml', 'sp_metadata_multiple_sp_descriptors', 'SPSSODescriptor'],
  ['sp-metadata-nested-100-deep.xml', 'xml_too_deep', 'nested more than 64 deep'],
];

interface AppView {
  client_id: string;
  name: string;
  callbacks: string[];
  addons: { samlp?: Record<string, unknown>; wsfed?: Record<string, unknown> };
}

describe('applications and users (Management API and CLI)', () => {
  let server: TestServer;
  let api: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

  before(async () => {
    server = await startTestServer();
    const token = await getToken(server, await addApiClient(server, 'read:clients create:clients update:clients delete:clients read:users create:users delete:users read:logs'));
    api = (path, init = {}) =>
      fetch(`${server.url}${path}`, {
        ...init,
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
      });
  });
  after(async () => server.destroy());

  it('creates, reads, updates and deletes a SAML application with Auth0\'s samlp addon defaults', async () => {
    const created = await api('/api/v2/clients', {
      method: 'POST',
      json: { name: 'Payroll', callbacks: ['https://payroll.example.com/saml/acs'], addons: { samlp: { audience: 'urn:payroll' } } },
    });
    expect(created.status).to.equal(201);
    const app = (await created.json()) as AppView;
    expect(app.addons.samlp).to.deep.include({
      audience: 'urn:payroll',
      signResponse: false,
      signatureAlgorithm: 'rsa-sha256',
      digestAlgorithm: 'sha256',
      lifetimeInSeconds: 3600,
      nameIdentifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      idpInitiated: true,
    });
    expect((await (await api(`/api/v2/clients/${app.client_id}`)).json()) as AppView).to.deep.equal(app);
    const patched = await api(`/api/v2/clients/${app.client_id}`, { method: 'PATCH', json: { name: 'Payroll 2', addons: { samlp: { audience: 'urn:payroll', signResponse: true } } } });
    expect(patched.status).to.equal(200);
    expect((await patched.json()) as AppView).to.deep.include({ name: 'Payroll 2', callbacks: ['https://payroll.example.com/saml/acs'] });
    expect(server.services.catalog.get(app.client_id)?.addons.samlp?.signResponse).to.equal(true);
    const list = (await (await api('/api/v2/clients')).json()) as AppView[];
    expect(list.map((a) => a.client_id)).to.include(app.client_id);
    expect((await api(`/api/v2/clients/${app.client_id}`, { method: 'DELETE' })).status).to.equal(204);
    await expectJsonError(await api(`/api/v2/clients/${app.client_id}`), 404, 'not_found');
    expect(server.services.catalog.get(app.client_id)).to.equal(undefined);
    const types = ((await (await api('/api/v2/logs')).json()) as { event: string }[]).map((e) => e.event);
    expect(types.slice(0, 3)).to.deep.equal(['client_deleted', 'client_updated', 'client_created']);
  });

  it('refuses bad application input with a clear 400 and changes nothing', async () => {
    const before = (await (await api('/api/v2/clients')).json()) as AppView[];
    const cases: [unknown, string][] = [
      [{ name: 'x', callbacks: ['http://evil.example.com/acs'], addons: { samlp: { audience: 'a' } } }, 'http: only on loopback'],
      [{ name: 'x', callbacks: ['javascript:alert(1)'], addons: { samlp: { audience: 'a' } } }, 'scheme'],
      [{ name: 'x', callbacks: ['https://a.example.com/#frag'], addons: { samlp: { audience: 'a' } } }, 'fragment'],
      [{ name: 'x', callbacks: [], addons: { samlp: { audience: 'a' } } }, 'no callback'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { samlp: {} } }, 'no audience'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { samlp: { audience: 'a', signatureAlgorithm: 'rsa-md5' } } }, 'algorithm'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { samlp: { audience: 'a', signingCert: 'not a cert' } } }, 'certificate'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { samlp: { audience: 'a', audiance: 'typo' } } }, 'unknown field'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { samlp: { audience: 'a', idpInitiated: 'yes' } } }, 'idpInitiated not a boolean'],
      [{ name: 'x', callbacks: ['https://a.example.com/'], addons: { wsfed: { realm: 'r', tokenFormat: 'jwt' } } }, 'token format'],
      [{ callbacks: ['https://a.example.com/'] }, 'no name'],
    ];
    for (const [body, why] of cases) {
      const response = await api('/api/v2/clients', { method: 'POST', json: body });
      await expectJsonError(response, 400, 'invalid_body', why);
      expect(await errorCode(response), why).to.equal('invalid_body');
    }
    const malformed = await api('/api/v2/clients', { method: 'POST', body: '{"name":' });
    await expectJsonError(malformed, 400, 'invalid_body');
    expect((await (await api('/api/v2/clients')).json()) as AppView[]).to.deep.equal(before);
  });

  it('refuses a second application with the same SAML audience or WS-Fed realm (409)', async () => {
    const body = { name: 'A', callbacks: ['https://a.example.com/'], addons: { samlp: { audience: 'urn:same' }, wsfed: { realm: 'urn:same-realm' } } };
    expect((await api('/api/v2/clients', { method: 'POST', json: body })).status).to.equal(201);
    const again = await api('/api/v2/clients', { method: 'POST', json: { ...body, addons: { samlp: { audience: 'urn:same' } } } });
    await expectJsonError(again, 409, 'conflict');
    const realm = await api('/api/v2/clients', { method: 'POST', json: { ...body, addons: { wsfed: { realm: 'urn:same-realm' } } } });
    await expectJsonError(realm, 409, 'conflict');
  });

  it('reads real SP metadata (Shibboleth SP 3, SimpleSAMLphp 1.19) into an application', () => {
    const shib = parseSpMetadata(fixture('shibboleth-sp3-sp.xml'));
    expect(shib.entityId).to.equal('http://127.0.0.1:18093/shibboleth');
    expect(shib.acsUrls[0]).to.equal('http://127.0.0.1:18093/Shibboleth.sso/SAML2/POST');
    expect(shib.acsUrls.every((url) => !url.includes('Artifact'))).to.equal(true);
    const ssp = parseSpMetadata(fixture('simplesamlphp-1.19-sp.xml'));
    expect(ssp.acsUrls).to.deep.equal(['http://127.0.0.1:18094/simplesaml/module.php/saml/sp/saml2-acs.php/default-sp']);
    expect(ssp.sloUrl).to.equal('http://127.0.0.1:18094/simplesaml/module.php/saml/sp/saml2-logout.php/default-sp');
    // Neither SP says AuthnRequestsSigned="true": their unsigned requests must keep working.
    expect(shib.signingCert).to.equal(undefined);
    expect(ssp.signingCert).to.equal(undefined);
    const signing = fixture('simplesamlphp-1.19-sp.xml').replace('<md:SPSSODescriptor ', '<md:SPSSODescriptor AuthnRequestsSigned="true" ');
    expect(parseSpMetadata(signing).signingCert).to.match(/^MII/);
    expect(() => parseSpMetadata('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).to.throw().with.property('code', 'xml_doctype_forbidden');
    expect(() => parseSpMetadata('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>')).to.throw().with.property('code', 'invalid_body');
  });

  for (const [name, code, named] of HOSTILE_SP_METADATA) {
    it(`refuses SP metadata ${name} with ${code}, naming ${named}`, () => {
      const error = thrown(() => parseSpMetadata(hostile(name)), FedmetaError);
      expect(error?.code).to.equal(code);
      expect(error?.status).to.equal(400);
      expect(error?.message).to.include(named);
    });
  }

  it('reads AuthnRequestsSigned as an xs:boolean: "1" and " true " require signed requests, with the signing certificate', () => {
    for (const name of ['sp-metadata-authn-requests-signed-1.xml', 'sp-metadata-authn-requests-signed-padded-true.xml']) {
      expect(parseSpMetadata(hostile(name)).signingCert, name).to.match(/^MII/);
    }
  });

  it('clients add-saml --metadata with AuthnRequestsSigned="1" makes an application whose unsigned requests are refused; an invalid boolean is refused', async () => {
    const added = await runCli(['clients', 'add-saml', '--metadata', hostilePath('sp-metadata-authn-requests-signed-1.xml'), '--json'], server.env);
    expect(added.code, added.stderr).to.equal(0);
    const app = JSON.parse(added.stdout.toString()) as AppView;
    expect(app.addons.samlp!.signingCert).to.match(/^MII/);
    while (!server.services.catalog.get(app.client_id)) await new Promise((resolve) => setTimeout(resolve, 20));
    const request =
      `<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_unsigned1" Version="2.0" IssueInstant="${new Date().toISOString()}">` +
      '<saml:Issuer>https://signed-one.example.com/sp</saml:Issuer></samlp:AuthnRequest>';
    const page = await fetch(`${server.url}/samlp/${app.client_id}?SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(request)).toString('base64'))}`, { redirect: 'manual' });
    const html = await page.text();
    const response = Buffer.from(/name="SAMLResponse" value="([^"]+)"/.exec(html)![1]!, 'base64').toString('utf8');
    expect(response).to.include('status:Requester').and.include('status:RequestDenied').and.not.include('status:Success');
    expect(response).not.to.include('<saml:Assertion');

    const refused = await runCli(['clients', 'add-saml', '--metadata', hostilePath('sp-metadata-authn-requests-signed-yes.xml')], server.env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    expect(refused.stderr).to.include('AuthnRequestsSigned');
  });

  it('addons.samlp.idpInitiated: off by default with a signingCert (API), and set by clients add-saml --idp-initiated / --no-idp-initiated', async () => {
    const pem = /<ds:X509Certificate>([^<]+)</.exec(readFixture('metadata/simplesamlphp-1.19-sp.xml'))![1]!;
    const signing = await api('/api/v2/clients', { method: 'POST', json: { name: 'Signs', callbacks: ['https://signs.example.com/acs'], addons: { samlp: { audience: 'urn:signs', signingCert: pem } } } });
    expect(((await signing.json()) as AppView).addons.samlp!.idpInitiated).to.equal(false);
    const cli = async (audience: string, flags: string[]) => {
      const result = await runCli(['clients', 'add-saml', '--name', audience, '--audience', audience, '--callback', `https://${audience}.example.com/acs`, ...flags, '--json'], server.env);
      expect(result.code, result.stderr).to.equal(0);
      return (JSON.parse(result.stdout.toString()) as AppView).addons.samlp!.idpInitiated;
    };
    expect(await cli('cli-default', [])).to.equal(true);
    expect(await cli('cli-off', ['--no-idp-initiated'])).to.equal(false);
    expect(await cli('cli-on', ['--idp-initiated'])).to.equal(true);
    // Both flags: the last one wins, as with git's --foo/--no-foo (the CLI is parsed by commander).
    expect(await cli('cli-last-off', ['--idp-initiated', '--no-idp-initiated'])).to.equal(false);
    expect(await cli('cli-last-on', ['--no-idp-initiated', '--idp-initiated'])).to.equal(true);
  });

  it('fedmeta clients add-saml --metadata FILE, add-wsfed and list work from the shell', async () => {
    const file = fixturePath('metadata/simplesamlphp-1.19-sp.xml');
    const added = await runCli(['clients', 'add-saml', '--metadata', file, '--json'], server.env);
    expect(added.code, added.stderr).to.equal(0);
    const app = JSON.parse(added.stdout.toString()) as AppView;
    expect(app.addons.samlp!.audience).to.equal('http://127.0.0.1:18094/simplesaml/module.php/saml/sp/metadata.php/default-sp');
    const wsfed = await runCli(['clients', 'add-wsfed', '--name', 'RP', '--realm', 'urn:rp', '--callback', 'https://rp.example.com/signin', '--json'], server.env);
    expect(wsfed.code, wsfed.stderr).to.equal(0);
    expect((JSON.parse(wsfed.stdout.toString()) as AppView).addons.wsfed).to.deep.equal({ realm: 'urn:rp', tokenFormat: 'saml11', lifetimeInSeconds: 3600 });
    const list = await runCli(['clients', 'list'], server.env);
    expect(list.stdout.toString()).to.include(app.client_id).and.include('urn:rp');
    const refused = await runCli(['clients', 'add-wsfed', '--name', 'x', '--realm', 'r', '--callback', 'http://evil.example.com/'], server.env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr.trim().split('\n')).to.have.length(1);
    // The running server serves the new application without a restart.
    await until(async () => (await fetch(`${server.url}/samlp/metadata/${app.client_id}`)).status === 200, 10_000, 'the new application served', 20);
  });

  it('users: created by API or CLI (password on stdin), listed without password hashes, deleted', async () => {
    const created = await api('/api/v2/users', { method: 'POST', json: { email: 'Ann@Example.com', password: 'correct horse', name: 'Ann', user_metadata: { department: 'R&D' } } });
    expect(created.status).to.equal(201);
    const user = (await created.json()) as Record<string, unknown>;
    expect(user).to.include({ email: 'ann@example.com', name: 'Ann', admin: false });
    expect(JSON.stringify(user)).not.to.match(/password|scrypt/);
    await expectJsonError(await api('/api/v2/users', { method: 'POST', json: { email: 'ann@example.com', password: 'another one' } }), 409, 'conflict');
    await expectJsonError(await api('/api/v2/users', { method: 'POST', json: { email: 'bob@example.com', password: 'short' } }), 400, 'invalid_body');
    await expectJsonError(await api('/api/v2/users', { method: 'POST', json: { email: 'not-an-email', password: 'long enough' } }), 400, 'invalid_body');
    const cli = await runCli(['users', 'add', 'admin@example.com', '--admin', '--json'], server.env, 'admin password\n');
    expect(cli.code, cli.stderr).to.equal(0);
    const admin = JSON.parse(cli.stdout.toString()) as { user_id: string; admin: boolean };
    expect(admin.admin).to.equal(true);
    const stored = await server.services.store.getUser(admin.user_id);
    expect(stored!.passwordHash).to.match(/^scrypt\$/);
    const list = await (await api('/api/v2/users')).text();
    expect(list).to.include('admin@example.com').and.not.include('scrypt');
    expect((await api(`/api/v2/users/${encodeURIComponent(String(user.user_id))}`, { method: 'DELETE' })).status).to.equal(204);
    await expectJsonError(await api(`/api/v2/users/${encodeURIComponent(String(user.user_id))}`), 404, 'not_found');
    const noPassword = await runCli(['users', 'add', 'x@example.com'], server.env, '');
    expect(noPassword.code).to.equal(2);
  });
});
