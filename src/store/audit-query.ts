// The audit log's queries, shared by both backends: filters become a WHERE clause over indexed
// columns, with `?` placeholders and the backend's time encoding. Searches are ordered by date, then
// log_id (every filter's index ends in (at, id)); checkpoints by log_id alone.
import type { AuditFilter, AuditQuery } from '../audit/audit-store.js';
import type { ColumnEncoding } from './rows.js';

export const AUDIT_COLUMNS = 'id, at, type, description, actor_type, actor_id, ip, user_id, client_id, details';
export const INSERT_AUDIT = 'INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, user_id, client_id, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)';
export const SELECT_AUDIT_BY_ID = `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id = ?`;
/** Checkpoints (Auth0's from/take) and log stream delivery: by log_id, which grows in commit order. */
export const SELECT_AUDIT_AFTER = `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE id > ? ORDER BY id LIMIT ?`;
/** Oldest first, so a purge that stops half-way leaves no hole in what remains. */
export const DELETE_AUDIT_BEFORE = 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE at < ? ORDER BY id LIMIT ?)';

interface Statement {
  sql: string;
  params: unknown[];
}

function whereOf(filter: AuditFilter, query: Pick<AuditQuery, 'below'>, encoding: ColumnEncoding): { where: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (part: string, ...values: unknown[]) => {
    parts.push(part);
    params.push(...values);
  };
  if (filter.events) {
    if (filter.events.length === 0) add('1 = 0');
    else add(`type IN (${filter.events.map(() => '?').join(', ')})`, ...filter.events);
  }
  if (filter.since) add('at >= ?', encoding.time(filter.since));
  if (filter.until) add('at < ?', encoding.time(filter.until));
  if (filter.userId !== undefined) add('user_id = ?', filter.userId);
  if (filter.clientId !== undefined) add('client_id = ?', filter.clientId);
  if (query.below) add('(at, id) < (?, ?)', encoding.time(query.below.date), query.below.logId);
  return { where: parts.length ? ` WHERE ${parts.join(' AND ')}` : '', params };
}

export function selectAudit(query: AuditQuery, encoding: ColumnEncoding): Statement {
  const { where, params } = whereOf(query.filter ?? {}, query, encoding);
  const direction = query.order === 'oldest' && !query.below ? 'ASC' : 'DESC';
  return { sql: `SELECT ${AUDIT_COLUMNS} FROM audit_log${where} ORDER BY at ${direction}, id ${direction} LIMIT ? OFFSET ?`, params: [...params, query.limit, query.offset ?? 0] };
}

export function countAudit(filter: AuditFilter, encoding: ColumnEncoding): Statement {
  const { where, params } = whereOf(filter, {}, encoding);
  return { sql: `SELECT count(*) AS total FROM audit_log${where}`, params };
}
