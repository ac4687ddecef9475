// Pure: the bounded subset of Auth0's log search syntax (Lucene query string) that GET /api/v2/logs
// accepts in `q`, read by one left-to-right scan (no regular expression over the whole query):
//
//   type:sapi   type:(s OR fp)   type:key_rotated        Auth0 codes, or fedmeta's own event names
//   date:[2026-11-01 TO 2026-11-30]   date:[* TO 2026-11-30T12:00:00Z]   date:2026-11-30
//   user_id:"usr_…"   client_id:abc                       exact values, quoted or not
//
// joined by AND or spaces, each field at most once. Anything else (OR between fields, NOT, -, wildcards,
// fuzzy or boosted terms, escapes, other fields) is refused with a message saying what and where.
import type { AuditFilter } from './audit-store.js';
import { eventsOfType } from './event-types.js';
import { invalidQueryString } from '../errors.js';

export const MAX_QUERY_LENGTH = 1024;
const MAX_VALUE_LENGTH = 256;
const MAX_TYPES = 20;
const FIELDS = ['type', 'date', 'user_id', 'client_id'] as const;
type Field = (typeof FIELDS)[number];
/** Lucene operators and wildcards this subset does not support inside a bare value. */
const UNSUPPORTED = new Set(['*', '?', '\\', '~', '^', '[', ']', '{', '}', '(', ')', '"', '!', '&', '|', '+', ':']);

class Scanner {
  position = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string {
    return this.text[this.position] ?? '';
  }
  skipSpaces(): void {
    while (!this.done && this.peek() === ' ') this.position += 1;
  }
  /** The word that starts here, when it is followed by a space, `)` or the end. */
  keyword(word: string): boolean {
    const end = this.position + word.length;
    if (this.text.slice(this.position, end) !== word) return false;
    const next = this.text[end] ?? ' ';
    return next === ' ' || next === ')';
  }
  fail(problem: string): never {
    throw invalidQueryString(`q: ${problem} at position ${this.position + 1}`);
  }
  expect(char: string): void {
    if (this.peek() !== char) this.fail(`expected "${char}"`);
    this.position += 1;
  }
}

function readField(scanner: Scanner): Field {
  const start = scanner.position;
  while (!scanner.done && scanner.peek() !== ':' && scanner.peek() !== ' ') scanner.position += 1;
  const name = scanner.text.slice(start, scanner.position);
  if (scanner.peek() !== ':') {
    scanner.position = start;
    scanner.fail(`expected field:value (got "${name.slice(0, 40)}")`);
  }
  if (!(FIELDS as readonly string[]).includes(name)) {
    scanner.position = start;
    scanner.fail(`unsupported field "${name.slice(0, 40)}" (supported: ${FIELDS.join(', ')})`);
  }
  scanner.position += 1;
  return name as Field;
}

/** A quoted value (no escapes) or a bare one up to a space or `)`. */
function readValue(scanner: Scanner): string {
  let value = '';
  if (scanner.peek() === '"') {
    scanner.position += 1;
    while (!scanner.done && scanner.peek() !== '"') {
      if (scanner.peek() === '\\') scanner.fail('escapes in quoted values are not supported');
      value += scanner.peek();
      scanner.position += 1;
    }
    scanner.expect('"');
  } else {
    while (!scanner.done && scanner.peek() !== ' ' && scanner.peek() !== ')') {
      if (UNSUPPORTED.has(scanner.peek())) scanner.fail(`"${scanner.peek()}" is not supported here (wildcards, ranges and operators work only as documented)`);
      value += scanner.peek();
      scanner.position += 1;
    }
  }
  if (value === '') scanner.fail('empty value');
  if (value.length > MAX_VALUE_LENGTH) scanner.fail(`value longer than ${MAX_VALUE_LENGTH} characters`);
  return value;
}

/** `s`, or `(s OR fp OR key_rotated)`: the stored event names they stand for. */
function readTypes(scanner: Scanner): string[] {
  const types: string[] = [];
  if (scanner.peek() !== '(') types.push(readValue(scanner));
  else {
    scanner.position += 1;
    for (;;) {
      scanner.skipSpaces();
      types.push(readValue(scanner));
      if (types.length > MAX_TYPES) scanner.fail(`more than ${MAX_TYPES} types`);
      scanner.skipSpaces();
      if (scanner.peek() === ')') break;
      if (!scanner.keyword('OR')) scanner.fail('expected OR or ")" between types');
      scanner.position += 2;
    }
    scanner.position += 1;
  }
  // A name no event of this version has is still looked up as stored (another version may write it).
  return [...new Set(types.flatMap((type) => (eventsOfType(type).length ? eventsOfType(type) : [type])))];
}

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** `2026-11-30` (the whole UTC day) or `2026-11-30T12:00:00Z`: [start, end) in ms. */
function instant(scanner: Scanner, text: string): { start: number; end: number } {
  const dateOnly = DATE_ONLY.test(text);
  if (!dateOnly && !DATE_TIME.test(text)) scanner.fail(`"${text.slice(0, 40)}" is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)`);
  const start = Date.parse(dateOnly ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== text.slice(0, 10)) scanner.fail(`"${text}" is not a valid date`);
  return { start, end: start + (dateOnly ? DAY_MS : 1) };
}

function readDates(scanner: Scanner): Pick<AuditFilter, 'since' | 'until'> {
  if (scanner.peek() !== '[') {
    const { start, end } = instant(scanner, readValue(scanner));
    return { since: new Date(start), until: new Date(end) };
  }
  scanner.position += 1;
  const bound = (): string => {
    if (scanner.peek() === '*') {
      scanner.position += 1;
      return '*';
    }
    const begin = scanner.position;
    while (!scanner.done && scanner.peek() !== ' ' && scanner.peek() !== ']') scanner.position += 1;
    return scanner.text.slice(begin, scanner.position);
  };
  const low = bound();
  scanner.expect(' ');
  if (!scanner.keyword('TO')) scanner.fail('expected "TO" in the date range ("{…}" exclusive ranges are not supported)');
  scanner.position += 3;
  const high = bound();
  scanner.expect(']');
  return {
    ...(low === '*' ? {} : { since: new Date(instant(scanner, low).start) }),
    ...(high === '*' ? {} : { until: new Date(instant(scanner, high).end) }),
  };
}

/** `q` → the filter; undefined or blank → no filter. Throws 400 invalid_query_string. */
export function parseLogQuery(q: string | undefined): AuditFilter {
  if (q === undefined || q.trim() === '') return {};
  if (q.length > MAX_QUERY_LENGTH) throw invalidQueryString(`q: longer than ${MAX_QUERY_LENGTH} characters`);
  const scanner = new Scanner(q.replace(/[\t\r\n]/g, ' '));
  const filter: AuditFilter = {};
  const seen = new Set<Field>();
  for (;;) {
    scanner.skipSpaces();
    if (scanner.done) break;
    if (seen.size > 0 && scanner.keyword('AND')) {
      scanner.position += 3;
      scanner.skipSpaces();
    }
    if (scanner.keyword('OR') || scanner.keyword('NOT') || scanner.peek() === '-' || scanner.peek() === '+') {
      scanner.fail('OR, NOT, + and - between terms are not supported (terms are joined by AND)');
    }
    const field = readField(scanner);
    if (seen.has(field)) scanner.fail(`"${field}" given twice`);
    seen.add(field);
    if (field === 'type') filter.events = readTypes(scanner);
    else if (field === 'date') Object.assign(filter, readDates(scanner));
    else if (field === 'user_id') filter.userId = readValue(scanner);
    else filter.clientId = readValue(scanner);
    if (!scanner.done && scanner.peek() !== ' ') scanner.fail('expected a space after the value');
  }
  return filter;
}
