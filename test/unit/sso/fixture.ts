// The sign-in use cases without HTTP: real services on a temporary SQLite store, a pinned clock,
// one user and one SAML and one WS-Fed application.
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../../src/config.js';
import { openServices, type Services } from '../../../src/services.js';
import { startSession } from '../../../src/sso/sessions.js';
import type { Visitor } from '../../../src/sso/outcome.js';
import { TEST_KEK, tempDir } from '../../helpers/server.js';

export const ACS = 'https://sp.example.com/acs';
export const SLO = 'https://sp.example.com/slo';
export const WREPLY = 'https://rp.example.com/signin';
export const NOW = new Date('2026-11-30T06:00:00Z');

export interface SsoFixture {
  services: Services;
  samlClientId: string;
  wsfedClientId: string;
  userId: string;
  /** A browser with a fresh session. */
  signedIn(): Promise<Visitor>;
  destroy(): Promise<void>;
}

export async function openSsoFixture(): Promise<SsoFixture> {
  const dir = tempDir('fedmeta-sso-');
  const env = { FEDMETA_DATABASE_URL: `sqlite:${join(dir, 'fedmeta.db')}`, FEDMETA_KEK: TEST_KEK, FEDMETA_ISSUER: 'https://id.example.com', FEDMETA_ENV_FILE: '/dev/null' };
  const services = await openServices({ config: loadConfig(env, dir), clock: { now: () => NOW } });
  const actor = { type: 'system' as const, id: 'test' };
  const user = await services.users.create({ email: 'ann@example.com', password: 'correct horse battery', name: 'Ann' }, actor);
  const create = async (name: string, callbacks: string[], addons: object) => (await services.clients.create({ name, callbacks, addons }, actor)).clientId;
  const samlClientId = await create('SP', [ACS], { samlp: { audience: 'https://sp.example.com', logout: { callback: SLO } } });
  const wsfedClientId = await create('RP', [WREPLY], { wsfed: { realm: 'urn:rp' } });
  return {
    services,
    samlClientId,
    wsfedClientId,
    userId: user.userId,
    async signedIn() {
      const { cookieValue } = await startSession(services.store, services.ids, user, NOW);
      return { sessionCookie: cookieValue, ip: '192.0.2.1' };
    },
    async destroy() {
      await services.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The newest audit entry. */
export async function lastAudit(services: Services) {
  const [entry] = await services.store.queryAudit({ limit: 1 });
  return entry!;
}
