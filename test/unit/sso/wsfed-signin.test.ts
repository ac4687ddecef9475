// WS-Fed sign-in and sign-out as use cases: plain inputs in, an Outcome out, no HTTP.
import { expect } from 'chai';
import { wsfedSignIn } from '../../../src/sso/wsfed-signin.js';
import { currentSession } from '../../../src/sso/sessions.js';
import type { WsfedRequest } from '../../../src/wsfed/request.js';
import { NOW, WREPLY, lastAudit, openSsoFixture, type SsoFixture } from './fixture.js';

const request = (wa: WsfedRequest['wa'], extra: Partial<WsfedRequest> = {}): WsfedRequest => ({ wa, wtrealm: 'urn:rp', ...extra });

describe('sso/wsfed-signin (no HTTP)', () => {
  let fixture: SsoFixture;
  before(async () => {
    fixture = await openSsoFixture();
  });
  after(async () => fixture.destroy());

  it('with a session posts wa, wresult and wctx to the wreply and logs the kid that signed', async () => {
    const { services } = fixture;
    const outcome = await wsfedSignIn(services).answer(request('wsignin1.0', { wctx: 'ctx' }), undefined, await fixture.signedIn(), '/wsfed');
    expect(outcome).to.include({ kind: 'post-form', action: WREPLY });
    const fields = (outcome as { fields: Record<string, string> }).fields;
    expect(fields).to.include({ wa: 'wsignin1.0', wctx: 'ctx' });
    expect(fields.wresult).to.include('RequestSecurityTokenResponse');
    const audit = await lastAudit(services);
    expect(audit).to.include({ type: 's', event: 'sso_succeeded' });
    expect(audit.details).to.include({ client_id: fixture.wsfedClientId, kid: services.keyring.snapshot.signing.kid });
  });

  it('without a session asks for login, and resumes once signed in', async () => {
    const wsfed = wsfedSignIn(fixture.services);
    const first = await wsfed.signIn(request('wsignin1.0'), fixture.wsfedClientId, { sessionCookie: undefined, ip: '192.0.2.1' });
    expect(first.kind).to.equal('login');
    const answer = await wsfed.resume((first as { state: string }).state, await fixture.signedIn());
    expect(answer).to.include({ kind: 'post-form', action: WREPLY });
  });

  it('wsignout1.0 asks the signed-in user first; the confirmed POST ends the session and returns to the wreply', async () => {
    const { services } = fixture;
    const visitor = await fixture.signedIn();
    const wsfed = wsfedSignIn(services);
    const asked = await wsfed.answer(request('wsignout1.0', { wreply: WREPLY }), undefined, visitor, '/wsfed');
    expect(asked).to.include({ kind: 'page', template: 'wsfed-signout.html', withCsrf: true });
    expect((asked as { formAction: string[] }).formAction).to.deep.equal(['https://rp.example.com']);
    expect(await currentSession(services.store, visitor.sessionCookie, NOW)).not.to.equal(undefined);
    const outcome = await wsfed.confirmSignOut({ wa: 'wsignout1.0', wtrealm: 'urn:rp', wreply: WREPLY }, undefined, visitor, '/wsfed');
    expect(outcome).to.deep.equal({ kind: 'redirect', location: WREPLY, clearSession: true });
    expect(await currentSession(services.store, visitor.sessionCookie, NOW)).to.equal(undefined);
    expect(await lastAudit(services)).to.include({ type: 'slo' });
  });
});
