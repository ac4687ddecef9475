// Many IdP-initiated SAML sign-ins against a real `fedmeta serve` (dist/), and what the store kept of
// them afterwards: for the group commit's durability tests and the worker tests.
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config.js';
import { openServices } from '../../src/services.js';
import { openStore } from '../../src/store/open.js';
import { startSession } from '../../src/sso/sessions.js';
import { hashToken } from '../../src/auth/sessions.js';
import { runCli } from './cli.js';

export interface SignInFixture {
  clientId: string;
  cookie: string;
}

/** One user, one SAML application that allows IdP-initiated sign-in, and a live session, on the store of `env`. */
export async function prepareSignIns(env: Record<string, string>, dir: string): Promise<SignInFixture> {
  const services = await openServices({ config: loadConfig(env, dir) });
  try {
    const actor = { type: 'system' as const, id: 'test' };
    const user = await services.users.create({ email: 'flood@example.com', password: 'correct horse battery' }, actor);
    const app = await services.clients.create({ name: 'Flood', callbacks: ['https://sp.example.com/acs'], addons: { samlp: { audience: 'urn:flood', idpInitiated: true } } }, actor);
    const { cookieValue } = await startSession(services.store, services.ids, user, new Date());
    return { clientId: app.clientId, cookie: cookieValue };
  } finally {
    await services.store.close();
  }
}

/** One sign-in: the SessionIndex of the assertion it answered. */
export async function signInOnce(url: string, fixture: SignInFixture): Promise<string> {
  // A connection caught in a worker's death may never be answered: give up on it (not a speed bound).
  const response = await fetch(`${url}/samlp/${fixture.clientId}`, { headers: { cookie: `fedmeta_session=${fixture.cookie}` }, signal: AbortSignal.timeout(15_000) });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`sign-in answered ${response.status}`);
  const encoded = /name="SAMLResponse" value="([^"]+)"/.exec(html)?.[1];
  const sessionIndex = encoded && /SessionIndex="([^"]+)"/.exec(Buffer.from(encoded, 'base64').toString('utf8'))?.[1];
  if (!sessionIndex) throw new Error('no SessionIndex in the answer');
  return sessionIndex;
}

export interface Flood {
  /** SessionIndexes of the sign-ins answered so far, with when the answer arrived (Date.now()). */
  answered: Array<{ sessionIndex: string; at: number }>;
  /** Stop sending; resolves when every loop ended (a refused connection, the server gone, ends a loop too). */
  stop(): Promise<void>;
}

/**
 * `concurrency` loops of sign-ins, each starting the next when the last answered, until stopped or the
 * connection is refused; a request cut off (its worker killed) is simply not counted.
 */
export function flood(url: string, fixture: SignInFixture, concurrency = 16): Flood {
  const answered: Flood['answered'] = [];
  let running = true;
  const loop = async () => {
    while (running) {
      try {
        answered.push({ sessionIndex: await signInOnce(url, fixture), at: Date.now() });
      } catch (error) {
        if ((error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED') return;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, loop);
  return {
    answered,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

/** Waits until `flood` has `count` answers (or fails after `timeoutMs`). */
export async function answeredAtLeast(flooding: Flood, count: number, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (flooding.answered.length < count) {
    if (Date.now() - started > timeoutMs) throw new Error(`only ${flooding.answered.length} sign-ins answered, not ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the store holds of the fixture's sign-ins (read with a store of its own, the server gone). */
export async function storedSignIns(env: Record<string, string>, dir: string, fixture: SignInFixture) {
  const config = loadConfig(env, dir);
  const integrity = config.database.kind === 'sqlite' ? sqliteIntegrity(config.database.path) : 'ok';
  const store = await openStore(config);
  try {
    const session = await store.getSession(hashToken(fixture.cookie), new Date());
    const signInAudits = await store.countAudit({ events: ['sso_succeeded'] });
    return {
      integrity,
      sessionIndexes: new Set(session?.participants.map((participant) => participant.sessionIndex)),
      signInAudits,
      keys: await store.listKeys(),
    };
  } finally {
    await store.close();
  }
}

function sqliteIntegrity(path: string): string {
  const db = new Database(path);
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check).join(', ');
  } finally {
    db.close();
  }
}

/** A Management API token with the key scopes, from an API client added through the CLI. */
export async function keysToken(url: string, env: Record<string, string>, issuer: string): Promise<string> {
  const added = await runCli(['api-clients', 'add', '--name', 'ops', '--scopes', 'read:signing_keys create:signing_keys update:signing_keys', '--json'], env);
  if (added.code !== 0) throw new Error(`api-clients add: ${added.stderr}`);
  const credentials = JSON.parse(added.stdout.toString()) as { client_id: string; client_secret: string };
  const response = await fetch(`${url}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', ...credentials, audience: `${issuer}/api/v2/` }) });
  if (response.status !== 200) throw new Error(`token: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
