import { codeOf } from '../../helpers/errors.js';
import { expect } from 'chai';
import { MAX_WCTX_BYTES, checkRealm, chooseWreply, needsFreshLogin, parseWsfedQuery } from '../../../src/wsfed/request.js';

const requestCodeOf = (run: () => unknown) => codeOf(run, { status: 400 });

describe('wsfed/request: the passive request parameters (WS-Federation 1.2 13.2)', () => {
  it('reads wa, wtrealm, wreply, wctx and wfresh', () => {
    expect(parseWsfedQuery({ wa: 'wsignin1.0', wtrealm: 'urn:rp', wreply: 'https://rp/x', wctx: 'c', wfresh: '5' })).to.deep.equal({
      wa: 'wsignin1.0',
      wtrealm: 'urn:rp',
      wreply: 'https://rp/x',
      wctx: 'c',
      wfresh: 5,
    });
    for (const wa of ['wsignout1.0', 'wsignoutcleanup1.0']) expect(parseWsfedQuery({ wa }).wa).to.equal(wa);
  });

  it('refuses a missing, empty or unknown wa, and repeated parameters', () => {
    for (const query of [{}, { wa: '' }, { wa: 'wattr1.0' }, { wa: 'WSIGNIN1.0' }]) {
      expect(requestCodeOf(() => parseWsfedQuery(query)), JSON.stringify(query)).to.equal('wsfed_unsupported_action');
    }
    expect(requestCodeOf(() => parseWsfedQuery({ wa: ['wsignin1.0', 'wsignout1.0'] }))).to.equal('invalid_request');
    expect(requestCodeOf(() => parseWsfedQuery({ wa: 'wsignin1.0', wreply: ['https://a/', 'https://b/'] }))).to.equal('invalid_request');
  });

  it('bounds wctx in UTF-8 bytes and checks wfresh', () => {
    expect(parseWsfedQuery({ wa: 'wsignin1.0', wctx: 'x'.repeat(MAX_WCTX_BYTES) }).wctx).to.have.length(MAX_WCTX_BYTES);
    expect(requestCodeOf(() => parseWsfedQuery({ wa: 'wsignin1.0', wctx: 'x'.repeat(MAX_WCTX_BYTES + 1) }))).to.equal('wsfed_wctx_too_long');
    expect(requestCodeOf(() => parseWsfedQuery({ wa: 'wsignin1.0', wctx: 'é'.repeat(MAX_WCTX_BYTES / 2 + 1) }))).to.equal('wsfed_wctx_too_long');
    for (const wfresh of ['-1', '1.5', 'abc']) expect(requestCodeOf(() => parseWsfedQuery({ wa: 'wsignin1.0', wfresh })), wfresh).to.equal('invalid_request');
  });

  it('wreply must equal a registered callback exactly; absent, the first callback', () => {
    const app = { callbacks: ['https://rp.example.com/signin', 'https://rp.example.com/other'] };
    expect(chooseWreply(app, undefined)).to.equal('https://rp.example.com/signin');
    expect(chooseWreply(app, 'https://rp.example.com/other')).to.equal('https://rp.example.com/other');
    for (const wreply of ['https://rp.example.com/signin/', 'https://RP.example.com/signin', 'https://rp.example.com/Signin', 'https://rp.example.com/signin?x=1', 'https://evil.example.com/signin']) {
      expect(requestCodeOf(() => chooseWreply(app, wreply)), wreply).to.equal('wsfed_wreply_not_registered');
    }
    expect(requestCodeOf(() => chooseWreply({ callbacks: [] }, undefined))).to.equal('wsfed_wreply_not_registered');
  });

  it('wtrealm must be the registered realm; it may be left out only where the URL names the application', () => {
    expect(requestCodeOf(() => checkRealm('urn:rp', 'urn:rp', true))).to.equal(undefined);
    expect(requestCodeOf(() => checkRealm('urn:rp', undefined, false))).to.equal(undefined);
    expect(requestCodeOf(() => checkRealm('urn:rp', undefined, true))).to.equal('wsfed_unknown_realm');
    expect(requestCodeOf(() => checkRealm('urn:rp', 'urn:RP', false))).to.equal('wsfed_unknown_realm');
  });

  it('wfresh: 0 always asks for a new login, N minutes when the login is older', () => {
    const now = new Date('2030-01-01T01:00:00Z');
    const loggedIn = new Date('2030-01-01T00:50:00Z');
    expect([undefined, 0, 5, 10, 11].map((wfresh) => needsFreshLogin(wfresh, loggedIn, now))).to.deep.equal([false, true, true, false, false]);
  });
});
