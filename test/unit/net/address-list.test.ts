// The trusted-proxy list (FEDMETA_TRUST_PROXY) and the client address read through it.
import { expect } from 'chai';
import { parseAddressList } from '../../../src/net/address-list.js';
import { clientAddress } from '../../../src/http/client-address.js';
import { loadConfig } from '../../../src/config.js';

describe('trusted proxy addresses (FEDMETA_TRUST_PROXY)', () => {
  it('matches addresses and CIDR ranges of both families, IPv4-mapped peers included', () => {
    const list = parseAddressList('10.0.0.0/8, 192.0.2.7 2001:db8::/32 loopback');
    for (const inside of ['10.1.2.3', '192.0.2.7', '::ffff:192.0.2.7', '2001:db8::1', '127.0.0.1', '127.9.9.9', '::1']) expect(list.includes(inside), inside).to.equal(true);
    for (const outside of ['11.0.0.1', '192.0.2.8', '2001:db9::1', '::2', 'not an address', '']) expect(list.includes(outside), outside).to.equal(false);
  });

  it('refuses what is neither an address nor a range, naming it', () => {
    for (const bad of ['10.0.0.0/33', '::/129', 'example.com', '10.0.0.1/8/8', '10.0.0.0/x', '1.2.3']) {
      expect(() => parseAddressList(bad), bad).to.throw(/neither an IP address nor a CIDR range/);
    }
    expect(() => loadConfig({ FEDMETA_TRUST_PROXY: '10.0.0.0/8, proxy.internal' })).to.throw('FEDMETA_TRUST_PROXY: "proxy.internal" is neither');
    expect(loadConfig({ FEDMETA_TRUST_PROXY: '' }).trustProxy).to.equal(undefined);
  });

  it('reads X-Forwarded-For from the right, only behind a trusted peer, stopping at the first untrusted hop', () => {
    const trusted = parseAddressList('10.0.0.0/8');
    const cases: [string, string | undefined, string][] = [
      ['192.0.2.1', '203.0.113.5', '192.0.2.1'], // untrusted peer: header ignored
      ['10.0.0.2', '203.0.113.5', '203.0.113.5'],
      ['10.0.0.2', '6.6.6.6, 203.0.113.5', '203.0.113.5'], // the client's own entry (left) ignored
      ['10.0.0.2', '203.0.113.5, 10.0.0.3', '203.0.113.5'], // two trusted hops
      ['10.0.0.2', 'garbage, 10.0.0.3', '10.0.0.3'], // a malformed hop: the last address a trusted proxy vouched for
      ['10.0.0.2', '', '10.0.0.2'],
      ['10.0.0.2', undefined, '10.0.0.2'],
      ['::ffff:10.0.0.2', '[2001:db8::5]', '2001:db8::5'],
    ];
    for (const [peer, header, expected] of cases) expect(clientAddress(peer, header, trusted), `${peer} / ${header}`).to.equal(expected);
    expect(clientAddress('::ffff:192.0.2.1', '203.0.113.5', undefined)).to.equal('192.0.2.1');
  });
});
