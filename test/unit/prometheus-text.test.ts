// The test helper that reads /metrics must refuse what Prometheus would refuse, or the metrics test
// could pass on a broken exposition.
import { expect } from 'chai';
import { parsePrometheusText, sampleValue } from '../helpers/prometheus.js';

const VALID = [
  '# HELP requests_total Requests.',
  '# TYPE requests_total counter',
  'requests_total{route="jwks",status="200"} 3',
  'requests_total{route="a\\"b\\\\c\\nd",status="404"} 1',
  '# HELP latency_seconds Latency.',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{le="0.1"} 1',
  'latency_seconds_bucket{le="1"} 2',
  'latency_seconds_bucket{le="+Inf"} 2',
  'latency_seconds_sum 0.6',
  'latency_seconds_count 2',
  '',
].join('\n');

describe('Prometheus text format reader (test helper)', () => {
  it('reads families, types, escaped label values and samples', () => {
    const families = parsePrometheusText(VALID);
    expect(families.get('requests_total')?.type).to.equal('counter');
    expect(sampleValue(families, 'requests_total', { route: 'a"b\\c\nd' })).to.equal(1);
    expect(sampleValue(families, 'latency_seconds_count')).to.equal(2);
  });

  it('refuses every broken rule', () => {
    const broken: [string, string][] = [
      [VALID.slice(0, -1), 'no final newline'],
      [VALID.replace('requests_total{route="jwks"', '2requests{route="jwks"'), 'bad metric name'],
      [VALID.replace('{route="jwks",', '{__route="jwks",'), 'reserved label name'],
      [VALID.replace('route="jwks"', 'route=jwks'), 'unquoted label value'],
      [VALID.replace('\\nd"', '\\td"'), 'bad escape'],
      [VALID.replace('"200"} 3', '"200"} three'), 'bad value'],
      [VALID.replace('# TYPE requests_total counter', '# TYPE requests_total counter\n# TYPE requests_total counter'), 'TYPE twice'],
      [VALID.replace('# TYPE requests_total counter', '# TYPE requests_total countr'), 'unknown type'],
      [VALID.replace('requests_total{route="a\\"b\\\\c\\nd",status="404"} 1', 'requests_total{status="200",route="jwks"} 1'), 'duplicate series'],
      [VALID.replace('latency_seconds_bucket{le="1"} 2', 'latency_seconds_bucket{le="1"} 0'), 'buckets not cumulative'],
      [VALID.replace('latency_seconds_bucket{le="+Inf"} 2\n', ''), 'no +Inf bucket'],
      [VALID.replace('latency_seconds_count 2', 'latency_seconds_count 3'), '_count differs from +Inf'],
      [VALID + 'requests_total{route="late",status="200"} 1\n', 'samples of a family apart'],
    ];
    for (const [text, what] of broken) expect(() => parsePrometheusText(text), what).to.throw();
  });
});
