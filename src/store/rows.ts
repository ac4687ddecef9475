// Rows <-> records, written once for both backends. A column comes back as SQLite stores it (epoch
// ms, JSON text, 0/1, space-separated words) or as pg parses it (Date, parsed JSON, boolean, text[]);
// the readers accept both, and each backend's ColumnEncoding says how to write a value.
import type { KeyRecord, KeyState } from '../keys/types.js';
import type { AuditEntry, AuditInput } from '../audit/types.js';
import { filedUnder, toLogEntry } from '../audit/log-entry.js';
import type { Application } from '../clients/types.js';
import type { User } from '../users/types.js';
import type { ApiClientRecord } from '../auth/api-client-store.js';
import type { LiveSession, SessionRecord, SignInRecord } from '../auth/session-store.js';

/** SQLite: epoch ms; PostgreSQL: timestamptz. */
export type TimeColumn = number | Date;

export interface ColumnEncoding {
  time(date: Date): number | Date;
  flag(value: boolean): number | boolean;
  words(list: string[]): string | string[];
}

const asDate = (value: TimeColumn) => (value instanceof Date ? value : new Date(value));
const asOptionalDate = (value: TimeColumn | null) => (value === null ? undefined : asDate(value));
const fromJson = <T>(value: string | T): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);
const optionalTime = (encoding: ColumnEncoding, date: Date | undefined) => (date ? encoding.time(date) : null);

export interface KeyRow {
  kid: string;
  state: KeyState;
  cert_pem: string;
  key_location: string;
  sealed_private_key: string | null;
  created_at: TimeColumn;
  current_since: TimeColumn | null;
  current_until: TimeColumn | null;
  revoked_at: TimeColumn | null;
}

export function keyFromRow(row: KeyRow): KeyRecord {
  return {
    kid: row.kid,
    state: row.state,
    certPem: row.cert_pem,
    location: row.key_location,
    sealedPrivateKey: row.sealed_private_key ?? undefined,
    createdAt: asDate(row.created_at),
    currentSince: asOptionalDate(row.current_since),
    currentUntil: asOptionalDate(row.current_until),
    revokedAt: asOptionalDate(row.revoked_at),
  };
}

/** The values of statements.UPSERT_KEY. */
export function keyValues(key: KeyRecord, encoding: ColumnEncoding): unknown[] {
  const { kid, state, certPem, location, sealedPrivateKey } = key;
  const times = [key.currentSince, key.currentUntil, key.revokedAt].map((date) => optionalTime(encoding, date));
  return [kid, state, certPem, location, sealedPrivateKey ?? null, encoding.time(key.createdAt), ...times];
}

export interface AuditRow {
  id: number | string;
  at: TimeColumn;
  type: string;
  description: string;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string;
  ip: string | null;
  user_id: string | null;
  client_id: string | null;
  details: string | Record<string, unknown>;
}

export function auditFromRow(row: AuditRow): AuditEntry {
  return toLogEntry({
    id: String(row.id),
    at: asDate(row.at),
    event: row.type,
    description: row.description,
    actorType: row.actor_type,
    actorId: row.actor_id,
    ip: row.ip,
    userId: row.user_id,
    clientId: row.client_id,
    details: fromJson(row.details),
  });
}

/** The values of statements.INSERT_AUDIT. */
export function auditValues(entry: AuditInput, now: Date, encoding: ColumnEncoding): unknown[] {
  const { actor } = entry;
  const { userId, clientId } = filedUnder(entry);
  return [encoding.time(now), entry.event, entry.description, actor.type, actor.id, actor.ip ?? null, userId, clientId, JSON.stringify(entry.details ?? {})];
}

export interface ApplicationRow {
  client_id: string;
  name: string;
  callbacks: string | string[];
  addons: string | Application['addons'];
  created_at: TimeColumn;
  updated_at: TimeColumn;
}

export function applicationFromRow(row: ApplicationRow): Application {
  return {
    clientId: row.client_id,
    name: row.name,
    callbacks: fromJson(row.callbacks),
    addons: fromJson(row.addons),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
}

/** The values of statements.UPSERT_APPLICATION: the SAML audience and WS-Fed realm get their own (unique) columns. */
export function applicationValues(app: Application, encoding: ColumnEncoding): unknown[] {
  const { samlp, wsfed } = app.addons;
  const json = [JSON.stringify(app.callbacks), JSON.stringify(app.addons)];
  return [app.clientId, app.name, ...json, samlp?.audience ?? null, wsfed?.realm ?? null, encoding.time(app.createdAt), encoding.time(app.updatedAt)];
}

export interface UserRow {
  user_id: string;
  email: string;
  name: string;
  admin: number | boolean;
  blocked: number | boolean;
  attributes: string | User['attributes'];
  password_hash: string;
  created_at: TimeColumn;
  updated_at: TimeColumn | null;
}

export function userFromRow(row: UserRow): User {
  return {
    userId: row.user_id,
    email: row.email,
    name: row.name,
    admin: row.admin === true || row.admin === 1,
    blocked: row.blocked === true || row.blocked === 1,
    attributes: fromJson(row.attributes),
    passwordHash: row.password_hash,
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at ?? row.created_at),
  };
}

/** The form an e-mail address is stored and looked up in: NFKC, lower case (users/email.ts also trims and validates). */
export const emailKey = (email: string) => email.normalize('NFKC').toLowerCase();
/** The form a name is searched in (column name_key): the same folding as e-mail addresses. */
export const nameKey = emailKey;

/** The values of statements.INSERT_USER; emails are stored as their emailKey. */
export function userValues(user: User, encoding: ColumnEncoding): unknown[] {
  const attributes = JSON.stringify(user.attributes);
  const flags = [encoding.flag(user.admin), encoding.flag(user.blocked)];
  return [user.userId, emailKey(user.email), user.name, nameKey(user.name), ...flags, attributes, user.passwordHash, encoding.time(user.createdAt), encoding.time(user.updatedAt)];
}

export interface ApiClientRow {
  client_id: string;
  name: string;
  secret_hash: string;
  scopes: string | string[];
  created_at: TimeColumn;
  secret_version: number;
}

export function apiClientFromRow(row: ApiClientRow): ApiClientRecord {
  const scopes = Array.isArray(row.scopes) ? row.scopes : row.scopes.split(' ');
  const { client_id: clientId, name, secret_hash: secretHash, secret_version: secretVersion } = row;
  return { clientId, name, secretHash, scopes: scopes.filter(Boolean), createdAt: asDate(row.created_at), secretVersion };
}

/** The values of statements.INSERT_API_CLIENT. */
export function apiClientValues(client: ApiClientRecord, encoding: ColumnEncoding): unknown[] {
  return [client.clientId, client.name, client.secretHash, encoding.words(client.scopes), encoding.time(client.createdAt), client.secretVersion];
}

export interface SessionRow {
  id_hash: string;
  user_id: string;
  created_at: TimeColumn;
  expires_at: TimeColumn;
}

export interface ParticipantRow {
  session_index: string;
  client_id: string;
  name_id: string;
  name_id_format: string;
}

export function liveSessionFromRow(row: SessionRow): LiveSession {
  return { idHash: row.id_hash, userId: row.user_id, createdAt: asDate(row.created_at), expiresAt: asDate(row.expires_at) };
}

export function sessionFromRows(row: SessionRow, participants: ParticipantRow[]): SessionRecord {
  return {
    ...liveSessionFromRow(row),
    participants: participants.map((p) => ({ sessionIndex: p.session_index, clientId: p.client_id, nameId: p.name_id, nameIdFormat: p.name_id_format })),
  };
}

/** The values of statements.INSERT_SESSION. */
export function sessionValues(session: SessionRecord, encoding: ColumnEncoding): unknown[] {
  return [session.idHash, session.userId, encoding.time(session.createdAt), encoding.time(session.expiresAt)];
}

/** A sign-in's participant as a session_participants row (in column order). */
export function participantValues({ idHash, ...participant }: NonNullable<SignInRecord['participant']>): unknown[] {
  return [participant.sessionIndex, idHash, participant.clientId, participant.nameId, participant.nameIdFormat];
}
