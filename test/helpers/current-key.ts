// What "the current key" is, taken from the public interface only: the key marked `current` by
// GET /api/v2/keys/signing, and its certificate from /pem?kid=<kid>. Never from the server's own
// keyring (a test comparing with the keyring passes whatever key the server signs with), and never
// from /pem without a kid (that serves the key the server signs with, right or wrong).
import { expect } from 'chai';
import { managementClient, type ManagementCall, type TestServer } from './server.js';

export interface PublishedKey {
  kid: string;
  /** The certificate, PEM, as /pem?kid= serves it. */
  pem: string;
}

interface KeyObject {
  kid: string;
  current: boolean;
  next: boolean;
}

async function keyObjects(server: TestServer, call?: ManagementCall): Promise<KeyObject[]> {
  const api = call ?? (await managementClient(server, 'read:signing_keys'));
  const response = await api('/api/v2/keys/signing');
  expect(response.status, 'GET /api/v2/keys/signing').to.equal(200);
  return (await response.json()) as KeyObject[];
}

/** The published certificate of `kid`, from /pem?kid=. */
export async function publishedPem(server: TestServer, kid: string): Promise<string> {
  const response = await fetch(`${server.url}/pem?kid=${encodeURIComponent(kid)}`);
  expect(response.status, `/pem?kid=${kid}`).to.equal(200);
  return response.text();
}

async function keyMarked(server: TestServer, mark: 'current' | 'next', call?: ManagementCall): Promise<PublishedKey> {
  const marked = (await keyObjects(server, call)).filter((key) => key[mark]);
  expect(marked, `exactly one ${mark} key`).to.have.length(1);
  const { kid } = marked[0]!;
  return { kid, pem: await publishedPem(server, kid) };
}

/**
 * The current key's kid and certificate, as the Management API and /pem?kid= publish them. `call`
 * is a Management API client holding read:signing_keys; without one, a new API client is added.
 */
export function currentKeyFromApi(server: TestServer, call?: ManagementCall): Promise<PublishedKey> {
  return keyMarked(server, 'current', call);
}

/** The next key (published, not yet signing), from the same public interface. */
export function nextKeyFromApi(server: TestServer, call?: ManagementCall): Promise<PublishedKey> {
  return keyMarked(server, 'next', call);
}
