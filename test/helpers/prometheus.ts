// A small reader of the Prometheus text exposition format (version 0.0.4) that enforces its rules:
// names and label names, quoted and escaped label values, numbers, HELP/TYPE at most once per family and
// before its samples, a family's samples together, no duplicate series, histograms with cumulative
// buckets ending at le="+Inf" equal to _count, and a final newline. Any violation throws.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['_sum', '_count', ''], counter: ['', '_total'], gauge: [''], untyped: [''] };

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`not a number: "${text}" in ${line}`);
  return Number(text);
}

/** `{a="x",b="y\"z"}` → labels; the rest of the line after the closing brace. */
function parseLabels(text: string, line: string): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let at = 1;
  while (text[at] !== '}') {
    const name = /^[^=]*/.exec(text.slice(at))![0];
    if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`bad label name "${name}" in ${line}`);
    if (name in labels) throw new Error(`label ${name} twice in ${line}`);
    at += name.length;
    if (text.slice(at, at + 2) !== '="') throw new Error(`label ${name} without a quoted value in ${line}`);
    at += 2;
    let value = '';
    for (;;) {
      const char = text[at];
      if (char === undefined) throw new Error(`unterminated label value in ${line}`);
      at += 1;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = text[at];
        at += 1;
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new Error(`bad escape \\${escaped} in ${line}`);
      } else value += char;
    }
    labels[name] = value;
    if (text[at] === ',') at += 1;
    else if (text[at] !== '}') throw new Error(`expected , or } in ${line}`);
  }
  return { labels, rest: text.slice(at + 1) };
}

function parseSample(line: string): Sample {
  const name = /^[^{ ]*/.exec(line)![0];
  if (!METRIC_NAME.test(name)) throw new Error(`bad metric name in ${line}`);
  let rest = line.slice(name.length);
  let labels: Record<string, string> = {};
  if (rest.startsWith('{')) ({ labels, rest } = parseLabels(rest, line));
  const parts = rest.trim().split(/ +/);
  if (!rest.startsWith(' ') || parts.length < 1 || parts.length > 2) throw new Error(`expected " value [timestamp]" in ${line}`);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`bad timestamp in ${line}`);
  return { name, labels, value: parseValue(parts[0]!, line) };
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  for (const family of families.values()) {
    if ((SUFFIXES[family.type] ?? ['']).some((suffix) => `${family.name}${suffix}` === sample)) return family;
  }
  return undefined;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples.filter((s) => s.name.endsWith('_bucket'))) {
    const { le, ...rest } = sample.labels;
    if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const key = JSON.stringify(rest);
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, buckets] of series) {
    const bounds = buckets.map((bucket) => parseValue(bucket.labels.le!, family.name));
    if (bounds.at(-1) !== Infinity) throw new Error(`${family.name}${key}: the last bucket is not le="+Inf"`);
    for (let i = 1; i < buckets.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${family.name}${key}: bucket bounds not increasing`);
      if (buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${family.name}${key}: buckets not cumulative`);
    }
    const count = family.samples.find((s) => s.name === `${family.name}_count` && JSON.stringify(s.labels) === key);
    const sum = family.samples.find((s) => s.name === `${family.name}_sum` && JSON.stringify(s.labels) === key);
    if (!count || !sum) throw new Error(`${family.name}${key}: _count or _sum missing`);
    if (count.value !== buckets.at(-1)!.value) throw new Error(`${family.name}${key}: _count differs from the +Inf bucket`);
  }
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition does not end with a newline');
  const families = new Map<string, Family>();
  const seenSeries = new Set<string>();
  let open: Family | undefined;
  const closed = new Set<string>();
  for (const line of text.split('\n').slice(0, -1)) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta;
      if (!METRIC_NAME.test(name!)) throw new Error(`bad metric name in ${line}`);
      if (closed.has(name!)) throw new Error(`${name}: metadata after its samples were closed`);
      const family = families.get(name!) ?? { name: name!, type: 'untyped' as const, samples: [] };
      if (family.samples.length > 0) throw new Error(`${name}: ${kind} after its samples`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`${name}: unknown type "${rest}"`);
        if ((family as { typed?: boolean }).typed) throw new Error(`${name}: TYPE twice`);
        Object.assign(family, { type: rest, typed: true });
      } else {
        if (family.help !== undefined) throw new Error(`${name}: HELP twice`);
        family.help = rest;
      }
      families.set(name!, family);
      if (open && open.name !== name) closed.add(open.name);
      open = family;
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = parseSample(line);
    const family = familyOf(sample.name, families) ?? { name: sample.name, type: 'untyped' as const, samples: [] };
    if (closed.has(family.name)) throw new Error(`${family.name}: samples not together`);
    if (open && open !== family) closed.add(open.name);
    open = family;
    families.set(family.name, family);
    const series = `${sample.name}${JSON.stringify(Object.entries(sample.labels).sort())}`;
    if (seenSeries.has(series)) throw new Error(`duplicate series ${series}`);
    seenSeries.add(series);
    family.samples.push(sample);
  }
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

/** The value of the sample `name` whose labels include `labels` (exactly one must match), or undefined. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = [...families.values()]
    .flatMap((family) => family.samples)
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  if (matches.length > 1) throw new Error(`${name} ${JSON.stringify(labels)}: ${matches.length} series match`);
  return matches[0]?.value;
}
