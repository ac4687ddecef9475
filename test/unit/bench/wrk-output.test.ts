import { expect } from 'chai';
import { parseWrk } from '../../../bench/wrk.js';

// What wrk 4.1 (Debian) prints with --latency, against a server answering every other request 404
// (plus, in the second case, the line a script's response() writes in the bench's smoke mode).
const OUTPUT = `Running 1s test @ http://127.0.0.1:42983/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     9.44ms   26.90ms 158.84ms   92.00%
    Req/Sec    10.01k     7.55k   22.21k    55.56%
  Latency Distribution
     50%   65.00us
     75%    3.19ms
     90%   22.72ms
     99%  141.60ms
  9217 requests in 1.02s, 1.11MB read
  Non-2xx or 3xx responses: 4609
Requests/sec:   9037.07
Transfer/sec:      1.09MB
`;

describe('bench: reading wrk --latency output', () => {
  it('reads the rate, p50 and p99 in milliseconds whatever their unit, the requests and the failed answers', () => {
    expect(parseWrk(OUTPUT)).to.deep.equal({ requestsPerSecond: 9037.07, p50Ms: 0.065, p99Ms: 141.6, requests: 9217, failures: 4609 });
  });

  it('counts socket errors and the answers a script found wrong as failures too', () => {
    const output = OUTPUT.replace('  Non-2xx or 3xx responses: 4609\n', '  Socket errors: connect 0, read 2, write 0, timeout 3\n') + 'unexpected answer: status 302\nunexpected answer: status 400\n';
    expect(parseWrk(output).failures).to.equal(7);
  });

  it('refuses output without the figures it needs (wrk failed)', () => {
    expect(() => parseWrk('unable to connect to 127.0.0.1:1 Connection refused\n')).to.throw(/wrk output without/);
  });
});

describe('bench: wrk turns merged into one run (mergeTurns)', () => {
  it('averages the equal-length turns’ rates, takes the median p50 and p99, and counts every request and failure', async () => {
    const { mergeTurns } = await import('../../../bench/http-load.js');
    const turn = (requestsPerSecond: number, p50Ms: number, p99Ms: number, failures = 0) => ({ requestsPerSecond, p50Ms, p99Ms, requests: requestsPerSecond, failures });
    const merged = mergeTurns([turn(1000, 1, 9), turn(3000, 3, 4, 2), turn(2000, 2, 5)]);
    expect(merged).to.deep.equal({ requestsPerSecond: 2000, p50Ms: 2, p99Ms: 5, requests: 6000, failures: 2 });
  });
});
