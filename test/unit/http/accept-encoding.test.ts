import { expect } from 'chai';
import { chooseCoding } from '../../../src/http/accept-encoding.js';

describe('Accept-Encoding negotiation (RFC 9110 12.5.3)', () => {
  const both = ['br', 'gzip'] as const;
  const cases: [string | undefined, readonly ('br' | 'gzip')[], string][] = [
    [undefined, both, 'identity'],
    ['', both, 'identity'],
    ['gzip, deflate, br', both, 'br'],
    ['gzip', both, 'gzip'],
    ['GZIP', both, 'gzip'],
    ['x-gzip', both, 'gzip'],
    ['gzip;q=0.5, br;q=0.4', both, 'gzip'],
    ['br;q=0, gzip', both, 'gzip'],
    ['br;Q=0.000, gzip;q=0.001', both, 'gzip'],
    ['identity, br;q=0.5', both, 'identity'],
    ['identity;q=0.5, gzip;q=0.5', both, 'gzip'],
    ['*', both, 'br'],
    ['*;q=0.2, br;q=0.1', both, 'gzip'],
    ['gzip;q=0, br;q=0, *', both, 'identity'],
    ['deflate', both, 'identity'],
    ['br', ['gzip'], 'identity'],
    ['br, gzip', [], 'identity'],
    ['gzip;q=2', both, 'identity'],
    ['gzip;q=0.5000', both, 'identity'],
    ['gzip;q=abc, br;q=0.3', both, 'br'],
    ['identity;q=0, *;q=0', both, 'identity'],
    ['gzip;level=9;q=0.8, br;q=0.7', both, 'gzip'],
    [' br ; q=1 , gzip ', both, 'br'],
  ];
  for (const [header, available, expected] of cases) {
    it(`${JSON.stringify(header)} with [${available.join(', ')}] → ${expected}`, () => {
      expect(chooseCoding(header, available)).to.equal(expected);
    });
  }

  it('reads at most 16 entries of a long header', () => {
    const padding = Array.from({ length: 16 }, (_, i) => `x-${i};q=0.9`).join(', ');
    expect(chooseCoding(`${padding}, br`, both)).to.equal('identity');
    expect(chooseCoding(`br, ${padding}`, both)).to.equal('br');
  });
});
