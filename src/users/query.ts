// Auth0's user search `q` (Lucene syntax), the subset its users write: field:value, field:"a phrase",
// field:prefix*, field:*suffix, free text (e-mail or name), AND / OR / NOT (capitals) and parentheses.
// Fields: email, name, user_id, email.domain, blocked. Terms side by side must all match (AND).
// A hand-written scanner and recursive-descent parser over a bounded string: no regular expressions,
// so nothing backtracks. Anything else is a 400 invalid_query_string naming what was not understood.
import { invalidQueryString } from '../errors.js';

export const QUERY_LIMITS = { length: 1000, terms: 20, depth: 5 } as const;

export type MatchField = 'email' | 'name' | 'user_id' | 'email.domain' | 'text';
export type MatchMode = 'exact' | 'prefix' | 'suffix' | 'contains' | 'any';

export type UserFilter =
  | { kind: 'and' | 'or'; parts: UserFilter[] }
  | { kind: 'not'; part: UserFilter }
  | { kind: 'match'; field: MatchField; mode: MatchMode; value: string }
  | { kind: 'blocked'; value: boolean };

type Token = { kind: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { kind: 'term'; field?: string; value: string; quoted: boolean };

const FIELDS = new Set(['email', 'name', 'user_id', 'email.domain', 'blocked']);
/** Lucene characters we do not interpret; in a bare value they are refused rather than guessed at. */
const RESERVED = new Set(['{', '}', '[', ']', '^', '~', '?', '\\', '!', '"', ':']);
const isSpace = (char: string) => char === ' ' || char === '\t' || char === '\n' || char === '\r';
const ends = (char: string | undefined) => char === undefined || isSpace(char) || char === '(' || char === ')';

/** Reads `text` into tokens, one character at a time. */
function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const quoted = (): string => {
    at += 1; // the opening quote
    let value = '';
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\\' && at + 1 < text.length) at += 1;
      value += text[at];
      at += 1;
    }
    if (at >= text.length) throw invalidQueryString('A quoted value is not closed');
    at += 1;
    return value;
  };
  const bare = (stopAtColon: boolean): string => {
    let value = '';
    while (!ends(text[at]) && !(stopAtColon && text[at] === ':')) {
      value += text[at];
      at += 1;
    }
    return value;
  };
  while (at < text.length) {
    const char = text[at] as string;
    if (isSpace(char)) at += 1;
    else if (char === '(' || char === ')') {
      tokens.push({ kind: char });
      at += 1;
    } else if (char === '"') tokens.push({ kind: 'term', value: quoted(), quoted: true });
    else {
      const word = bare(true);
      if (text[at] === ':') {
        at += 1;
        if (text[at] === '"') tokens.push({ kind: 'term', field: word, value: quoted(), quoted: true });
        else tokens.push({ kind: 'term', field: word, value: bare(false), quoted: false });
      } else if (word === 'AND' || word === 'OR' || word === 'NOT') tokens.push({ kind: word });
      else tokens.push({ kind: 'term', value: word, quoted: false });
    }
  }
  return tokens;
}

/** A bare value's wildcard: `*` alone, at the start or at the end; anywhere else it is refused. */
function wildcard(value: string): { mode: MatchMode; literal: string } {
  if (value === '*') return { mode: 'any', literal: '' };
  const leading = value.startsWith('*');
  const trailing = value.endsWith('*');
  const literal = value.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  for (const char of literal) {
    if (char === '*') throw invalidQueryString(`"${value}": a wildcard may only start or end a value`);
    if (RESERVED.has(char)) throw invalidQueryString(`"${value}": "${char}" is not supported in a search value; quote the value`);
  }
  if (leading && trailing) return { mode: 'contains', literal };
  if (leading) {
    // As Auth0: a suffix match needs at least three characters.
    if ([...literal].length < 3) throw invalidQueryString(`"${value}": a value starting with * needs at least 3 more characters`);
    return { mode: 'suffix', literal };
  }
  return { mode: trailing ? 'prefix' : 'exact', literal };
}

/** One term as a filter: case-insensitive fields (email, name, free text) are matched lower-cased. */
function termFilter(token: Extract<Token, { kind: 'term' }>): UserFilter {
  const field = token.field ?? 'text';
  if (token.field !== undefined && !FIELDS.has(token.field)) {
    throw invalidQueryString(`Unknown search field "${token.field}"; use email, name, user_id, email.domain or blocked`);
  }
  if (token.value.length === 0) throw invalidQueryString(`${token.field ?? 'A term'} needs a value`);
  if (field === 'blocked') {
    if (token.value !== 'true' && token.value !== 'false') throw invalidQueryString('blocked must be true or false');
    return { kind: 'blocked', value: token.value === 'true' };
  }
  const { mode, literal } = token.quoted ? { mode: 'exact' as MatchMode, literal: token.value } : wildcard(token.value);
  if (mode !== 'exact' && (field === 'user_id' || field === 'email.domain')) throw invalidQueryString(`${field} takes an exact value, without wildcards`);
  const value = field === 'user_id' ? literal : literal.normalize('NFKC').toLowerCase();
  // Free text and unquoted names match anywhere in the field, as Auth0's analysed text fields do.
  const loose = field === 'text' || (field === 'name' && !token.quoted);
  return { kind: 'match', field: field as MatchField, mode: loose && mode === 'exact' ? 'contains' : mode, value };
}

class Parser {
  private at = 0;
  private terms = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): UserFilter {
    const filter = this.or(0);
    const left = this.tokens[this.at];
    if (left) throw invalidQueryString(left.kind === ')' ? 'A ")" has no matching "("' : 'The query does not end where expected');
    return filter;
  }

  private or(depth: number): UserFilter {
    const parts = [this.and(depth)];
    while (this.tokens[this.at]?.kind === 'OR') {
      this.at += 1;
      parts.push(this.and(depth));
    }
    return parts.length === 1 ? (parts[0] as UserFilter) : { kind: 'or', parts };
  }

  private and(depth: number): UserFilter {
    const parts = [this.unary(depth)];
    for (let next = this.tokens[this.at]; next && next.kind !== 'OR' && next.kind !== ')'; next = this.tokens[this.at]) {
      if (next.kind === 'AND') this.at += 1;
      parts.push(this.unary(depth));
    }
    return parts.length === 1 ? (parts[0] as UserFilter) : { kind: 'and', parts };
  }

  private unary(depth: number): UserFilter {
    const token = this.tokens[this.at];
    this.at += 1;
    if (!token) throw invalidQueryString('The query ends where a term was expected');
    if (token.kind === 'NOT') return { kind: 'not', part: this.unary(depth) };
    if (token.kind === '(') {
      if (depth + 1 > QUERY_LIMITS.depth) throw invalidQueryString(`Parentheses may nest at most ${QUERY_LIMITS.depth} levels`);
      const inner = this.or(depth + 1);
      if (this.tokens[this.at]?.kind !== ')') throw invalidQueryString('A "(" is not closed');
      this.at += 1;
      return inner;
    }
    if (token.kind !== 'term') throw invalidQueryString(`"${token.kind}" where a term was expected`);
    this.terms += 1;
    if (this.terms > QUERY_LIMITS.terms) throw invalidQueryString(`A query may hold at most ${QUERY_LIMITS.terms} terms`);
    return termFilter(token);
  }
}

/** Parses Auth0's `q`; undefined for an empty query (everyone). */
export function parseUserQuery(q: string): UserFilter | undefined {
  if (q.length > QUERY_LIMITS.length) throw invalidQueryString(`q must be at most ${QUERY_LIMITS.length} characters`);
  const tokens = scan(q);
  return tokens.length === 0 ? undefined : new Parser(tokens).parse();
}
