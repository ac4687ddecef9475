// The files under fixtures/: SAML requests (valid and hostile), SP metadata, and the test keys.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** Absolute path of `fixtures/<relative>`. */
export function fixturePath(relative: string): string {
  return fileURLToPath(new URL(relative, FIXTURES));
}

/** The text of `fixtures/<relative>`. */
export function readFixture(relative: string): string {
  return readFileSync(new URL(relative, FIXTURES), 'utf8');
}

/** The bytes of `fixtures/<relative>` (raw HTTP requests, files served as they are). */
export function readFixtureBytes(relative: string): Buffer {
  return readFileSync(new URL(relative, FIXTURES));
}

/** The SAML request fixtures of one kind (file names in fixtures/requests/<kind>/). */
export function requestFixtureNames(kind: 'valid' | 'hostile'): string[] {
  return readdirSync(new URL(`requests/${kind}`, FIXTURES));
}

/** The text of fixtures/requests/<kind>/<name>. */
export function requestFixture(kind: 'valid' | 'hostile', name: string): string {
  return readFixture(`requests/${kind}/${name}`);
}
