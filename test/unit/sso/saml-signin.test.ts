// SAML sign-in and single logout as use cases: plain inputs in, an Outcome out, no HTTP.
import { expect } from 'chai';
import { samlSignIn } from '../../../src/sso/saml-signin.js';
import { samlLogout } from '../../../src/sso/saml-logout.js';
import type { Outcome } from '../../../src/sso/outcome.js';
import { currentSession } from '../../../src/sso/sessions.js';
import type { Keyring } from '../../../src/keys/keyring.js';
import { buildLogoutRequest } from '../../../src/saml/logout-response.js';
import { NAMEID_FORMATS } from '../../../src/xml/namespaces.js';
import { ACS, NOW, SLO, lastAudit, openSsoFixture, type SsoFixture } from './fixture.js';

const idpInitiated = (clientId: string) => ({ binding: 'redirect' as const, rawQuery: 'RelayState=r1', fields: {}, clientId });
const samlResponseOf = (outcome: Outcome) => {
  if (outcome.kind !== 'post-form') throw new Error(`expected a post-form, got ${outcome.kind}`);
  return Buffer.from(outcome.fields.SAMLResponse!, 'base64').toString('utf8');
};

describe('sso/saml-signin and sso/saml-logout (no HTTP)', () => {
  let fixture: SsoFixture;
  before(async () => {
    fixture = await openSsoFixture();
  });
  after(async () => fixture.destroy());

  it('without a session asks for login; after it, resume posts a signed Response to the ACS', async () => {
    const sso = samlSignIn(fixture.services);
    const first = await sso.signIn(idpInitiated(fixture.samlClientId), { sessionCookie: undefined, ip: '192.0.2.1' });
    expect(first.kind).to.equal('login');
    const state = (first as { state: string }).state;
    const answer = await sso.resume(state, await fixture.signedIn());
    expect(answer).to.include({ kind: 'post-form', action: ACS });
    expect((answer as { fields: Record<string, string> }).fields.RelayState).to.equal('r1');
    expect(samlResponseOf(answer)).to.include('<ds:Signature');
    // The state is used up.
    await sso.resume(state, await fixture.signedIn()).then(
      () => expect.fail('a used state must not resume'),
      (error: { code: string }) => expect(error.code).to.equal('login_expired'),
    );
  });

  it('reads the key-set snapshot once per sign-in: a rotation in between cannot log another kid', async () => {
    const { services } = fixture;
    const before = services.keyring.snapshot;
    await services.keys.rotate({ actor: { type: 'system', id: 'test' } });
    expect(services.keyring.snapshot.signing.kid).not.to.equal(before.signing.kid);
    let reads = 0;
    // The first read sees the key set of before the rotation, every later one the rotated set.
    const racing = { get snapshot() { return reads++ === 0 ? before : services.keyring.snapshot; } } as unknown as Keyring;
    const answer = await samlSignIn({ ...services, keyring: racing }).signIn(idpInitiated(fixture.samlClientId), await fixture.signedIn());
    expect(reads).to.equal(1);
    expect(samlResponseOf(answer)).to.include(before.signing.published.certPem.split('\n')[1]!);
    const audit = await lastAudit(services);
    expect(audit).to.include({ type: 's', event: 'sso_succeeded' });
    expect(audit.details.kid).to.equal(before.signing.kid);
  });

  /** A browser signed in to the SP, and a LogoutRequest (HTTP-POST) for the NameID it was given, or another. */
  async function signedInAndLogout(nameIdOverride?: string) {
    const { services } = fixture;
    const visitor = await fixture.signedIn();
    const signedIn = samlResponseOf(await samlSignIn(services).signIn(idpInitiated(fixture.samlClientId), visitor));
    const sessionIndex = /SessionIndex="([^"]+)"/.exec(signedIn)![1];
    const nameId = nameIdOverride ?? /<saml:NameID[^>]*>([^<]+)</.exec(signedIn)![1]!;
    const xml = buildLogoutRequest({
      id: services.ids.samlId(),
      issuer: 'https://sp.example.com',
      now: NOW,
      destination: `${services.config.issuer}/samlp/${fixture.samlClientId}/logout`,
      nameId: { value: nameId, format: NAMEID_FORMATS.unspecified },
      sessionIndex,
    });
    const fields = { SAMLRequest: Buffer.from(xml).toString('base64') };
    return { visitor, input: { binding: 'post' as const, rawQuery: '', fields, clientId: fixture.samlClientId } };
  }

  it('single logout ends the session the LogoutRequest names and clears the cookie', async () => {
    const { services } = fixture;
    const { visitor, input } = await signedInAndLogout();
    const outcome = await samlLogout(services).logout(input, visitor);
    expect(outcome).to.include({ kind: 'post-form', action: SLO, clearSession: true });
    expect(samlResponseOf(outcome)).to.include('urn:oasis:names:tc:SAML:2.0:status:Success');
    expect(await currentSession(services.store, visitor.sessionCookie, NOW)).to.equal(undefined);
    expect(await lastAudit(services)).to.include({ type: 'slo' });
  });

  it('a LogoutRequest for another NameID answers UnknownPrincipal and keeps the session', async () => {
    const { services } = fixture;
    const { visitor, input } = await signedInAndLogout('someone-else');
    const outcome = await samlLogout(services).logout(input, visitor);
    expect(outcome).to.include({ kind: 'post-form', action: SLO });
    expect(outcome).not.to.have.property('clearSession');
    expect(samlResponseOf(outcome)).to.include('urn:oasis:names:tc:SAML:2.0:status:UnknownPrincipal');
    expect(await currentSession(services.store, visitor.sessionCookie, NOW)).not.to.equal(undefined);
  });
});
