// What a user's fields may hold, and a PATCH (Auth0's name, password, user_metadata, blocked) checked
// and turned into the columns to write and the audit entries to record. Pure: no store, no hashing.
import { invalidBody } from '../errors.js';
import { type Actor, type AuditInput } from '../audit/types.js';
import { hasControlCharacters } from './text.js';
import { mergeMetadata, type MetadataObject } from './metadata.js';
import type { User } from './types.js';

/** The password policy (users add, POST and PATCH /api/v2/users, set-password). */
export function validPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length < 8 || value.length > 1024) throw invalidBody('password must be 8 to 1024 characters');
  return value;
}

/** A display name: at most 200 characters without control characters; undefined when absent. */
export function validName(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > 200) throw invalidBody('name must be a string of at most 200 characters');
  if (hasControlCharacters(value)) throw invalidBody('name must not contain control characters');
  return value.trim() || undefined;
}

export const PATCH_FIELDS = ['name', 'password', 'user_metadata', 'blocked'] as const;
/** Auth0 clients send the connection with a password change; there is one, so it is ignored. */
const IGNORED = new Set(['connection']);

export interface CheckedPatch {
  name?: string;
  password?: string;
  attributes?: MetadataObject;
  blocked?: boolean;
}

/** The PATCH body checked field by field; 400 invalid_body for anything else or nothing at all. */
export function checkPatch(user: User, input: Record<string, unknown>): CheckedPatch {
  const unknown = Object.keys(input).filter((field) => !(PATCH_FIELDS as readonly string[]).includes(field) && !IGNORED.has(field));
  if (unknown.length) throw invalidBody(`Cannot change ${unknown.map((field) => `"${field}"`).join(', ')}; a PATCH may set ${PATCH_FIELDS.join(', ')}`);
  const patch: CheckedPatch = {};
  if (input.name !== undefined) {
    const name = validName(input.name);
    if (name === undefined) throw invalidBody('name must not be empty');
    patch.name = name;
  }
  if (input.password !== undefined) patch.password = validPassword(input.password);
  if (input.user_metadata !== undefined) patch.attributes = mergeMetadata(user.attributes, input.user_metadata);
  if (input.blocked !== undefined) {
    if (typeof input.blocked !== 'boolean') throw invalidBody('blocked must be true or false');
    patch.blocked = input.blocked;
  }
  if (Object.keys(patch).length === 0) throw invalidBody(`Give at least one of ${PATCH_FIELDS.join(', ')}`);
  return patch;
}

/** The audit entries of a checked PATCH: one per kind of change, never a password or its hash. */
export function patchAudits(user: User, patch: CheckedPatch, actor: Actor): AuditInput[] {
  const details = { user_id: user.userId };
  const audits: AuditInput[] = [];
  const fields = [...(patch.name !== undefined ? ['name'] : []), ...(patch.attributes !== undefined ? ['user_metadata'] : [])];
  if (fields.length) audits.push({ event: 'user_updated', description: `Changed the ${fields.join(' and ')} of ${user.email}`, actor, details: { ...details, fields } });
  if (patch.password !== undefined) {
    audits.push({ event: 'user_password_changed', description: `Changed the password of ${user.email}; their sessions ended`, actor, details });
  }
  if (patch.blocked === true && !user.blocked) audits.push({ event: 'user_blocked', description: `Blocked ${user.email}; their sessions ended`, actor, details });
  if (patch.blocked === false && user.blocked) audits.push({ event: 'user_unblocked', description: `Unblocked ${user.email}`, actor, details });
  return audits;
}
