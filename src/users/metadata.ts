// Auth0's user_metadata: a JSON object, bounded (depth, fields, size) and free of control characters,
// because its top-level strings may be released as SAML / WS-Fed attributes. PATCH merges it as Auth0
// does: root properties are added or replaced, a root property set to null is removed, and `{}`
// clears it all. Pure functions.
import { invalidBody } from '../errors.js';
import { hasControlCharacters } from './text.js';

export type MetadataValue = string | number | boolean | null | MetadataValue[] | { [key: string]: MetadataValue };
export type MetadataObject = { [key: string]: MetadataValue };

export const METADATA_LIMITS = { depth: 5, fields: 50, keyLength: 256, stringLength: 4096, bytes: 16 * 1024 } as const;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Checks one value at `path` inside a container at nesting level `depth` (the object itself is 1); 400 naming the path. */
function checkValue(value: unknown, path: string, depth: number): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidBody(`${path} must be a finite number`);
    return;
  }
  if (typeof value === 'string') {
    if (value.length > METADATA_LIMITS.stringLength) throw invalidBody(`${path} must be a string of at most ${METADATA_LIMITS.stringLength} characters`);
    if (hasControlCharacters(value, true)) throw invalidBody(`${path} must not contain control characters`);
    return;
  }
  if (depth + 1 > METADATA_LIMITS.depth) throw invalidBody(`user_metadata may nest at most ${METADATA_LIMITS.depth} levels (at ${path})`);
  if (Array.isArray(value)) {
    if (value.length > METADATA_LIMITS.fields) throw invalidBody(`${path} may hold at most ${METADATA_LIMITS.fields} items`);
    value.forEach((item, index) => checkValue(item, `${path}[${index}]`, depth + 1));
    return;
  }
  if (!isObject(value)) throw invalidBody(`${path} must be JSON`);
  checkFields(value, path, depth + 1);
}

function checkFields(object: Record<string, unknown>, path: string, depth: number): void {
  const entries = Object.entries(object);
  if (entries.length > METADATA_LIMITS.fields) throw invalidBody(`${path} may hold at most ${METADATA_LIMITS.fields} fields`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > METADATA_LIMITS.keyLength || hasControlCharacters(key)) {
      throw invalidBody(`${path} field names must be 1 to ${METADATA_LIMITS.keyLength} characters without control characters`);
    }
    checkValue(value, `${path}.${key}`, depth);
  }
}

function checkSize(object: MetadataObject): MetadataObject {
  if (Buffer.byteLength(JSON.stringify(object)) > METADATA_LIMITS.bytes) throw invalidBody(`user_metadata must be at most ${METADATA_LIMITS.bytes} bytes as JSON`);
  return object;
}

/** user_metadata as given at creation (absent = `{}`); 400 invalid_body when it is not an acceptable object. */
export function validMetadata(value: unknown): MetadataObject {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalidBody('user_metadata must be an object');
  checkFields(value, 'user_metadata', 1);
  return checkSize(value as MetadataObject);
}

/** The stored metadata after a PATCH with `patch` (Auth0's root-level merge); validated and bounded. */
export function mergeMetadata(current: MetadataObject, patch: unknown): MetadataObject {
  if (!isObject(patch)) throw invalidBody('user_metadata must be an object');
  checkFields(patch, 'user_metadata', 1);
  if (Object.keys(patch).length === 0) return {};
  // A Map and fromEntries, never `object[key] = …`: a field named __proto__ stays a field.
  const merged = new Map(Object.entries(current));
  for (const [key, value] of Object.entries(patch as MetadataObject)) {
    if (value === null) merged.delete(key);
    else merged.set(key, value);
  }
  return checkSize(Object.fromEntries(merged));
}
