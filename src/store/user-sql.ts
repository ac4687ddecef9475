// The users SQL both backends build at run time: a parsed search (users/query.ts) as a WHERE clause,
// and a PATCH as an UPDATE of exactly the columns it changes. Column names come from fixed lists here,
// values always travel as `?` parameters; LIKE patterns escape their own wildcards.
import type { UserFilter } from '../users/query.js';
import type { UserChanges, UserPage, UserUpdate } from '../users/user-store.js';
import { nameKey, type ColumnEncoding } from './rows.js';

export interface Clause {
  sql: string;
  values: unknown[];
}

/** A literal inside a LIKE pattern: its own %, _ and \ escaped (every pattern says ESCAPE '\'). */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);

const COLUMNS = { email: 'email', name: 'name_key', user_id: 'user_id' } as const;

function matchClause(filter: Extract<UserFilter, { kind: 'match' }>): Clause {
  const { field, mode, value } = filter;
  if (mode === 'any') return { sql: '1 = 1', values: [] };
  if (field === 'email.domain') return { sql: "email LIKE ? ESCAPE '\\'", values: [`%@${likeLiteral(value)}`] };
  const columns = field === 'text' ? [COLUMNS.email, COLUMNS.name] : [COLUMNS[field]];
  if (mode === 'exact') return { sql: columns.map((column) => `${column} = ?`).join(' OR '), values: columns.map(() => value) };
  const literal = likeLiteral(value);
  const pattern = mode === 'prefix' ? `${literal}%` : mode === 'suffix' ? `%${literal}` : `%${literal}%`;
  return { sql: columns.map((column) => `${column} LIKE ? ESCAPE '\\'`).join(' OR '), values: columns.map(() => pattern) };
}

function filterClause(filter: UserFilter, encoding: ColumnEncoding): Clause {
  switch (filter.kind) {
    case 'match':
      return matchClause(filter);
    case 'blocked':
      return { sql: 'blocked = ?', values: [encoding.flag(filter.value)] };
    case 'not': {
      const inner = filterClause(filter.part, encoding);
      return { sql: `NOT (${inner.sql})`, values: inner.values };
    }
    default: {
      const parts = filter.parts.map((part) => filterClause(part, encoding));
      return { sql: parts.map((part) => `(${part.sql})`).join(` ${filter.kind.toUpperCase()} `), values: parts.flatMap((part) => part.values) };
    }
  }
}

/** ` WHERE …` for a filter (empty without one), and its values in order. */
export function userWhere(filter: UserFilter | undefined, encoding: ColumnEncoding): Clause {
  if (!filter) return { sql: '', values: [] };
  const clause = filterClause(filter, encoding);
  return { sql: ` WHERE ${clause.sql}`, values: clause.values };
}

export function selectUsersPage({ filter, page, perPage }: UserPage, encoding: ColumnEncoding): Clause {
  const where = userWhere(filter, encoding);
  return { sql: `SELECT * FROM users${where.sql} ORDER BY created_at, user_id LIMIT ? OFFSET ?`, values: [...where.values, perPage, page * perPage] };
}

export function countUsers(filter: UserFilter | undefined, encoding: ColumnEncoding): Clause {
  const where = userWhere(filter, encoding);
  return { sql: `SELECT COUNT(*) AS total FROM users${where.sql}`, values: where.values };
}

/** UPDATE users SET (the changed columns), updated_at WHERE user_id [AND updated_at = unchangedSince]. */
export function updateUser(userId: string, changes: UserChanges, { now, unchangedSince }: UserUpdate, encoding: ColumnEncoding): Clause {
  const set: [string, unknown][] = [];
  if (changes.name !== undefined) set.push(['name', changes.name], ['name_key', nameKey(changes.name)]);
  if (changes.attributes !== undefined) set.push(['attributes', JSON.stringify(changes.attributes)]);
  if (changes.passwordHash !== undefined) set.push(['password_hash', changes.passwordHash]);
  if (changes.blocked !== undefined) set.push(['blocked', encoding.flag(changes.blocked)]);
  set.push(['updated_at', encoding.time(now)]);
  const values = [...set.map(([, value]) => value), userId];
  const guard = unchangedSince ? ' AND updated_at = ?' : '';
  if (unchangedSince) values.push(encoding.time(unchangedSince));
  return { sql: `UPDATE users SET ${set.map(([column]) => `${column} = ?`).join(', ')} WHERE user_id = ?${guard}`, values };
}
