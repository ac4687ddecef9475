// The store contract (src/store/store.ts), run over the interface on every backend: SQLite and
// PostgreSQL must behave the same, down to transactions, constraints and concurrency.
import { expect } from 'chai';
import type { ChangeTopic, Store } from '../../src/store/store.js';
import type { KeyRecord } from '../../src/keys/types.js';
import { initialize, revoke, rotate } from '../../src/keys/lifecycle.js';
import { FedmetaError, keyStateConflict } from '../../src/errors.js';
import type { Application } from '../../src/clients/types.js';
import type { User } from '../../src/users/types.js';
import type { AuditInput } from '../../src/audit/types.js';
import type { AuditEventType } from '../../src/audit/event-types.js';
import { BACKENDS, type OpenedStore } from './backends.js';
import { until } from '../helpers/wait.js';

const t0 = new Date('2026-03-01T10:00:00.123Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const system = { type: 'system' as const, id: 'contract' };
/** Also names no event has (another version's), which the store keeps as they are. */
const audit = (event: string, details: Record<string, unknown> = {}): AuditInput => ({ event: event as AuditEventType, description: event, actor: system, details });
/** A completed SAML sign-in of session `idHash` to client `c-<index>`. */
const signIn = (idHash: string, sessionIndex: string) => ({
  at: t0,
  audit: audit('sso_succeeded', { session_index: sessionIndex }),
  participant: { idHash, sessionIndex, clientId: `c-${sessionIndex}`, nameId: 'alice', nameIdFormat: 'urn:format' },
});

let serial = 0;
const newKey = (createdAt = t0): KeyRecord => {
  serial += 1;
  const kid = `kid-${process.pid}-${serial}-${Math.random().toString(36).slice(2, 8)}`;
  return { kid, state: 'next', certPem: `-----BEGIN CERTIFICATE-----\n${kid}\n-----END CERTIFICATE-----\n`, location: 'sealed', sealedPrivateKey: `fmk1.sealed.${kid}`, createdAt };
};

async function initKeys(store: Store, now = t0) {
  const current = newKey(now);
  const next = newKey(now);
  return store.changeKeys({ now, plan: (keys) => initialize(keys, current, next, now), audit: () => [audit('keys_created')] });
}

function rotateOnce(store: Store, now: Date, rateLimit?: { bucket: string; policy: { burst: number; perDay: number } }) {
  const fresh = newKey(now);
  return store.changeKeys({
    now,
    rateLimit,
    plan: (keys) => rotate(keys, fresh, now),
    audit: ({ current, retired }) => [audit('key_rotated', { current: current.kid, previous: retired.kid })],
  });
}

const states = (keys: KeyRecord[]) => keys.map((key) => key.state).sort();

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const app = (clientId: string, extra: Partial<Application> = {}): Application => ({
  clientId,
  name: `App ${clientId}`,
  callbacks: [`https://${clientId}.example/acs`],
  addons: {
    samlp: {
      audience: `urn:${clientId}`,
      mappings: { email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress' },
      nameIdentifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified',
      signResponse: false,
      signatureAlgorithm: 'rsa-sha256',
      digestAlgorithm: 'sha256',
      lifetimeInSeconds: 3600,
    },
  },
  createdAt: t0,
  updatedAt: t0,
  ...extra,
});

const user = (userId: string, email: string, createdAt = t0): User => ({
  userId,
  email,
  name: `User ${userId}`,
  admin: false,
  attributes: { department: 'ops' },
  passwordHash: `scrypt$${userId}`,
  createdAt,
  blocked: false,
  updatedAt: createdAt,
});

for (const backend of BACKENDS) {
  describe(`store contract: ${backend.name}`, function () {
    let opened: OpenedStore;
    let store: Store;

    before(async function () {
      await backend.require(this);
    });
    beforeEach(async () => {
      opened = await backend.open();
      store = opened.store;
    });
    afterEach(async () => opened?.destroy());

    describe('schema and change counters', () => {
      it('migrate() is idempotent and safe when several processes start at once', async () => {
        const handles = Array.from({ length: 5 }, () => opened.another());
        await Promise.all(handles.map((handle) => handle.migrate()));
        await Promise.all(handles.map((handle) => handle.migrate()));
        expect(await handles[0]!.versions()).to.deep.equal({ keys: 0, clients: 0 });
        expect(store.kind).to.equal(backend.name);
      });

      it('a fresh store has no keys and counters at zero', async () => {
        expect(await store.listKeys()).to.deep.equal([]);
        expect(await store.versions()).to.deep.equal({ keys: 0, clients: 0 });
      });
    });

    describe('signing keys', () => {
      it('changeKeys applies a plan atomically: keys, counter and audit in one transaction; a no-op plan writes nothing', async () => {
        const { result } = await initKeys(store);
        expect(result).to.equal(true);
        expect(states(await store.listKeys())).to.deep.equal(['current', 'next']);
        expect((await store.versions()).keys).to.equal(1);
        expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.event)).to.deep.equal(['keys_created']);

        const again = await initKeys(store);
        expect(again.result).to.equal(false);
        expect((await store.versions()).keys, 'no change, no bump').to.equal(1);
        expect(await store.queryAudit({ limit: 10 })).to.have.length(1);
      });

      it('key records round-trip exactly (dates to the millisecond, absent dates undefined)', async () => {
        await initKeys(store);
        await rotateOnce(store, later(1500));
        const previous = (await store.listKeys()).find((key) => key.state === 'previous')!;
        await store.changeKeys({ now: later(2500), plan: (keys) => revoke(keys, previous.kid, later(2500)), audit: () => [] });
        const keys = await store.listKeys();
        const revoked = keys.find((key) => key.kid === previous.kid)!;
        expect(revoked).to.deep.equal({ ...previous, state: 'revoked', revokedAt: later(2500) });
        expect(revoked.currentSince).to.deep.equal(t0);
        expect(revoked.currentUntil).to.deep.equal(later(1500));
        const next = keys.find((key) => key.state === 'next')!;
        expect(next).to.have.property('currentSince', undefined);
        expect(next).to.have.property('revokedAt', undefined);
        expect(next.createdAt).to.deep.equal(later(1500));
        expect(await opened.another().listKeys(), 'another handle reads the same').to.deep.equal(keys);
      });

      it('a plan that throws aborts everything, including the rate-limit token', async () => {
        await initKeys(store);
        const before = await store.listKeys();
        const rateLimit = { bucket: 'signing_keys', policy: { burst: 3, perDay: 3 } };
        const error = await failure(
          store.changeKeys({
            now: later(10),
            rateLimit,
            plan: () => {
              throw keyStateConflict('not this one');
            },
            audit: () => [audit('never')],
          }),
        );
        expect(error).to.be.instanceOf(FedmetaError).with.property('code', 'key_state_conflict');
        expect(await store.listKeys()).to.deep.equal(before);
        expect((await store.versions()).keys).to.equal(1);
        expect((await store.peekRateLimit(rateLimit, later(10))).remaining, 'token not spent').to.equal(3);
        expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.event)).to.deep.equal(['keys_created']);
      });

      it('the store refuses a second current or next key and un-revoking, whatever the plan says', async () => {
        await initKeys(store);
        await rotateOnce(store, later(100));
        const keys = await store.listKeys();
        const next = keys.find((key) => key.state === 'next')!;
        const previous = keys.find((key) => key.state === 'previous')!;
        const twoCurrent = await failure(
          store.changeKeys({ now: later(200), plan: () => ({ changes: [{ ...next, state: 'current', currentSince: later(200) }], result: null }), audit: () => [] }),
        );
        expect(String(twoCurrent)).to.match(/UNIQUE/);
        const twoNext = await failure(store.changeKeys({ now: later(200), plan: () => ({ changes: [{ ...previous, state: 'next' }], result: null }), audit: () => [] }));
        expect(String(twoNext)).to.match(/UNIQUE/);
        expect(await store.listKeys()).to.deep.equal(keys);

        await store.changeKeys({ now: later(300), plan: (set) => revoke(set, previous.kid, later(300)), audit: () => [] });
        const version = (await store.versions()).keys;
        const unrevoke = await failure(
          store.changeKeys({ now: later(400), plan: () => ({ changes: [{ ...previous, state: 'previous', revokedAt: undefined }], result: null }), audit: () => [] }),
        );
        expect(String(unrevoke)).to.match(/revoked/);
        expect((await store.listKeys()).find((key) => key.kid === previous.kid)!.state).to.equal('revoked');
        expect((await store.versions()).keys).to.equal(version);
      });

      it('20 concurrent rotations through two handles serialise: 20 rotations, one current, one next, 20 audit entries, 20 tokens', async () => {
        await initKeys(store);
        const other = opened.another();
        const rateLimit = { bucket: 'signing_keys', policy: { burst: 50, perDay: 50 } };
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => rotateOnce(i % 2 ? store : other, later(1000 + i), rateLimit)));
        expect(new Set(results.map((outcome) => outcome.result.current.kid)).size).to.equal(20);
        const keys = await store.listKeys();
        expect(keys.filter((key) => key.state === 'current')).to.have.length(1);
        expect(keys.filter((key) => key.state === 'next')).to.have.length(1);
        expect(keys.filter((key) => key.state === 'previous')).to.have.length(20);
        expect((await store.queryAudit({ limit: 100 })).filter((entry) => entry.event === 'key_rotated')).to.have.length(20);
        expect((await store.versions()).keys).to.equal(21);
        const remaining = results.map((outcome) => outcome.rate!.remaining).sort((a, b) => a - b);
        expect(remaining, 'each rotation saw the bucket after the one before it').to.deep.equal(Array.from({ length: 20 }, (_, i) => 30 + i));
      });

      it('the rotation rate limit is spent in the key change: the refused change answers 429 and changes nothing', async () => {
        await initKeys(store);
        const rateLimit = { bucket: 'signing_keys', policy: { burst: 2, perDay: 2 } };
        await rotateOnce(store, later(10), rateLimit);
        const second = await rotateOnce(opened.another(), later(20), rateLimit);
        expect(second.rate).to.include({ allowed: true, remaining: 0, limit: 2 });
        const before = await store.listKeys();
        const refused = await failure(rotateOnce(store, later(30), rateLimit));
        expect(refused).to.be.instanceOf(FedmetaError).with.property('status', 429);
        expect((refused as FedmetaError).headers).to.include.keys('Retry-After', 'X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset');
        expect(await store.listKeys()).to.deep.equal(before);
        expect((await store.versions()).keys).to.equal(3);
        expect((await store.peekRateLimit(rateLimit, later(30))).allowed).to.equal(false);
        // Half a day later one token is back.
        expect((await store.peekRateLimit(rateLimit, later(12 * 3600 * 1000 + 30))).allowed).to.equal(true);
      });
    });

    describe('rate limits (login throttle)', () => {
      it('take spends, never throws when empty; peek does not spend; return gives one back, bounded by the burst', async () => {
        const request = { bucket: 'login:alice', policy: { burst: 3, perDay: 24 } };
        expect((await store.peekRateLimit(request, t0)).remaining).to.equal(3);
        expect((await store.peekRateLimit(request, t0)).remaining).to.equal(3);
        const taken = [];
        for (let i = 0; i < 4; i += 1) taken.push(await store.takeRateLimit(request, t0));
        expect(taken.map((decision) => decision.allowed)).to.deep.equal([true, true, true, false]);
        expect(taken[3]!.retryAfterSeconds).to.equal(3600);
        await store.returnRateLimit(request, t0);
        expect((await store.peekRateLimit(request, t0)).remaining).to.equal(1);
        for (let i = 0; i < 5; i += 1) await store.returnRateLimit(request, t0);
        expect((await store.peekRateLimit(request, t0)).remaining, 'bounded by the burst').to.equal(3);
        expect((await store.peekRateLimit({ ...request, bucket: 'login:bob' }, t0)).remaining, 'buckets are separate').to.equal(3);
      });

      it('a bucket is shared by every handle: 12 concurrent takes from two handles allow exactly the burst', async () => {
        const request = { bucket: 'login:shared', policy: { burst: 5, perDay: 1 } };
        const other = opened.another();
        const decisions = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? store : other).takeRateLimit(request, t0)));
        expect(decisions.filter((decision) => decision.allowed)).to.have.length(5);
        expect((await other.peekRateLimit(request, t0)).remaining).to.equal(0);
      });
    });

    describe('audit log and API clients', () => {
      it('lists by date, then log_id (numerically, past ten entries), newest first, with paging; actor, ip and details round-trip', async () => {
        for (let i = 5; i < 12; i += 1) await store.appendAudit(audit(`filler${i}`), later(i));
        const fillers = Array.from({ length: 7 }, (_, i) => `filler${11 - i}`);
        expect((await store.queryAudit({ limit: 100 })).map((entry) => entry.event)).to.deep.equal(fillers);
        for (let i = 0; i < 5; i += 1) {
          await store.appendAudit({ ...audit(`t${i}`), description: `event ${i}`, actor: { type: 'api_client', id: 'c1', ...(i === 4 ? { ip: '10.0.0.1' } : {}) }, details: { i, nested: { ok: true } } }, later(0));
        }
        const all = await store.queryAudit({ limit: 100 });
        expect(all.map((entry) => entry.event), 'written later, dated earlier').to.deep.equal([...fillers, 't4', 't3', 't2', 't1', 't0']);
        expect(all.map((entry) => Number(entry.log_id))).to.deep.equal([7, 6, 5, 4, 3, 2, 1, 12, 11, 10, 9, 8]);
        const page = await store.queryAudit({ offset: 7, limit: 2 });
        expect(page.map((entry) => entry.event)).to.deep.equal(['t4', 't3']);
        expect(page[0]).to.deep.include({ description: 'event 4', actor: { type: 'api_client', id: 'c1' }, client_id: 'c1', ip: '10.0.0.1', date: later(0).toISOString(), details: { i: 4, nested: { ok: true } } });
        expect(page[1]).not.to.have.property('ip');
        expect(typeof page[0]!.log_id).to.equal('string');
        expect((await store.queryAudit({ order: 'oldest', limit: 3 })).map((entry) => entry.event)).to.deep.equal(['t0', 't1', 't2']);
        expect((await store.queryAudit({ offset: 10, limit: 2 })).map((entry) => entry.event)).to.deep.equal(['t1', 't0']);
        expect(await store.queryAudit({ offset: 12, limit: 2 })).to.deep.equal([]);
        expect((await store.auditAfterId(9, 100)).map((entry) => entry.log_id), 'checkpoints go by log_id').to.deep.equal(['10', '11', '12']);
        expect((await store.getAudit(3))?.event).to.equal('filler7');
        expect(await store.getAudit(13)).to.equal(undefined);
      });

      it('creates an API client with its audit entry and finds it again', async () => {
        const client = { clientId: 'api_1', name: 'ops', secretHash: 'scrypt$x', scopes: ['read:signing_keys', 'read:logs'], createdAt: later(5), secretVersion: 1 };
        await store.createApiClient(client, audit('api_client_created'));
        expect(await store.findApiClient('api_1')).to.deep.equal(client);
        expect(await opened.another().findApiClient('api_1')).to.deep.equal(client);
        expect(await store.findApiClient('nope')).to.equal(undefined);
        expect((await store.queryAudit({ limit: 1 }))[0]).to.include({ event: 'api_client_created', date: later(5).toISOString() });
        await failure(store.createApiClient(client, audit('again')));
        expect(await store.queryAudit({ limit: 10 }), 'a failed create writes no audit').to.have.length(1);
      });

      it('lists API clients oldest first; rotates a secret (new hash, version + 1) and deletes a client, each audited in one transaction', async () => {
        const one = { clientId: 'api_1', name: 'one', secretHash: 'scrypt$1', scopes: ['read:logs'], createdAt: later(1), secretVersion: 1 };
        const two = { clientId: 'api_2', name: 'two', secretHash: 'scrypt$2', scopes: ['read:clients'], createdAt: later(2), secretVersion: 1 };
        await store.createApiClient(two, audit('api_client_created'));
        await store.createApiClient(one, audit('api_client_created'));
        expect(await store.listApiClients()).to.deep.equal([one, two]);

        const rotated = await store.rotateApiClientSecret('api_1', 'scrypt$1b', audit('api_client_secret_rotated'), later(10));
        expect(rotated).to.deep.equal({ ...one, secretHash: 'scrypt$1b', secretVersion: 2 });
        expect(await opened.another().findApiClient('api_1'), 'visible to another connection').to.deep.equal(rotated);
        expect((await store.rotateApiClientSecret('api_1', 'scrypt$1c', audit('api_client_secret_rotated'), later(11)))!.secretVersion).to.equal(3);
        expect(await store.rotateApiClientSecret('nope', 'scrypt$n', audit('not_written'), later(12))).to.equal(undefined);

        expect(await store.deleteApiClient('api_2', audit('api_client_deleted'), later(20))).to.equal(true);
        expect(await store.deleteApiClient('api_2', audit('not_written'), later(21))).to.equal(false);
        expect(await store.findApiClient('api_2')).to.equal(undefined);
        expect((await store.listApiClients()).map((c) => c.clientId)).to.deep.equal(['api_1']);
        const types = (await store.queryAudit({ limit: 10 })).map((entry) => entry.event);
        expect(types, 'nothing audited for a missing client').to.deep.equal([
          'api_client_deleted',
          'api_client_secret_rotated',
          'api_client_secret_rotated',
          'api_client_created',
          'api_client_created',
        ]);
      });
    });

    describe('applications', () => {
      it('save inserts or replaces, bumps the clients counter, audits; look-ups by id, audience and realm', async () => {
        await store.saveApplication(app('a1'), audit('client_created'));
        const wsfed = app('a2', { addons: { wsfed: { realm: 'urn:realm:a2', tokenFormat: 'saml11', lifetimeInSeconds: 600 } }, createdAt: later(1), updatedAt: later(1) });
        await store.saveApplication(wsfed, audit('client_created'));
        expect((await store.versions()).clients).to.equal(2);
        expect(await store.getApplication('a1')).to.deep.equal(app('a1'));
        expect(await store.findApplicationByAudience('urn:a1')).to.deep.equal(app('a1'));
        expect(await store.findApplicationByRealm('urn:realm:a2')).to.deep.equal(wsfed);
        expect(await store.findApplicationByRealm('urn:realm:none')).to.equal(undefined);
        expect((await store.listApplications()).map((a) => a.clientId)).to.deep.equal(['a1', 'a2']);

        const renamed = app('a1', { name: 'Renamed', createdAt: later(99), updatedAt: later(50), callbacks: ['https://a1.example/acs', 'https://a1.example/other'] });
        await store.saveApplication(renamed, audit('client_updated'));
        const stored = (await store.getApplication('a1'))!;
        expect(stored).to.deep.include({ name: 'Renamed', callbacks: renamed.callbacks, updatedAt: later(50) });
        expect(stored.createdAt, 'an update keeps the creation date').to.deep.equal(t0);
        expect((await store.versions()).clients).to.equal(3);
        expect(await store.queryAudit({ limit: 10 })).to.have.length(3);
      });

      it('refuses a second application with the same SAML audience or WS-Fed realm (409, nothing written)', async () => {
        await store.saveApplication(app('a1'), audit('client_created'));
        const clash = await failure(store.saveApplication(app('b1', { addons: app('a1').addons }), audit('client_created')));
        expect(clash).to.be.instanceOf(FedmetaError).with.property('status', 409);
        expect((clash as FedmetaError).code).to.equal('conflict');
        expect(await store.getApplication('b1')).to.equal(undefined);
        expect((await store.versions()).clients).to.equal(1);
        expect(await store.queryAudit({ limit: 10 })).to.have.length(1);
      });

      it('delete removes, bumps and audits; an unknown id is false and changes nothing', async () => {
        await store.saveApplication(app('a1'), audit('client_created'));
        expect(await store.deleteApplication('nope', audit('client_deleted'), later(1))).to.equal(false);
        expect((await store.versions()).clients).to.equal(1);
        expect(await store.deleteApplication('a1', audit('client_deleted'), later(2))).to.equal(true);
        expect(await store.getApplication('a1')).to.equal(undefined);
        expect((await store.versions()).clients).to.equal(2);
        expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.event)).to.deep.equal(['client_deleted', 'client_created']);
      });
    });

    describe('users, sessions, login states, replay cache', () => {
      it('users: create (email NFKC-normalised and folded to lower case), look up, page, refuse a duplicate email, delete with audit', async () => {
        await store.createUser(user('u1', 'Alice@Example.com'), audit('user_created'));
        await store.createUser(user('u2', 'bob@example.com', later(1)), audit('user_created'));
        await store.createUser(user('u3', 'carol@example.com', later(2)), audit('user_created'));
        expect(await store.getUser('u1')).to.deep.equal({ ...user('u1', 'alice@example.com') });
        expect((await store.findUserByEmail('ALICE@example.com'))?.userId).to.equal('u1');
        expect((await store.findUserByEmail('ａｌｉｃｅ@ｅｘａｍｐｌｅ.com'))?.userId).to.equal('u1');
        expect((await store.listUsers({ page: 0, perPage: 2 })).map((u) => u.userId)).to.deep.equal(['u1', 'u2']);
        expect((await store.listUsers({ page: 1, perPage: 2 })).map((u) => u.userId)).to.deep.equal(['u3']);
        const duplicate = await failure(store.createUser(user('u4', 'alice@example.COM'), audit('user_created')));
        expect(duplicate).to.be.instanceOf(FedmetaError).with.property('status', 409);
        expect(await store.getUser('u4')).to.equal(undefined);
        expect(await store.deleteUser('u2', audit('user_deleted'), later(5))).to.equal(true);
        expect(await store.deleteUser('u2', audit('user_deleted'), later(6))).to.equal(false);
        expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.event)).to.deep.equal(['user_deleted', 'user_created', 'user_created', 'user_created']);
      });

      it('users: grant and remove the administrator role with an audit entry; an unknown user changes nothing', async () => {
        await store.createUser(user('u1', 'alice@example.com'), audit('user_created'));
        expect(await store.setUserAdmin('u1', true, audit('user_admin_granted'), later(1))).to.equal(true);
        expect((await opened.another().getUser('u1'))?.admin).to.equal(true);
        expect((await store.findUserByEmail('alice@example.com'))?.admin).to.equal(true);
        expect(await store.setUserAdmin('u1', false, audit('user_admin_revoked'), later(2))).to.equal(true);
        expect((await store.getUser('u1'))?.admin).to.equal(false);
        expect(await store.setUserAdmin('nobody', true, audit('user_admin_granted'), later(3))).to.equal(false);
        expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.event)).to.deep.equal(['user_admin_revoked', 'user_admin_granted', 'user_created']);
      });

      it('migration 4 brings e-mail addresses written before to their NFKC, lower-case form, except where two would collide', async () => {
        const row = (id: string, email: string) =>
          `INSERT INTO users (user_id, email, name, admin, attributes, password_hash, created_at) VALUES ('${id}', '${email}', 'n', false, '{}', 'scrypt$x', ${backend.name === 'sqlite' ? '0' : 'to_timestamp(0)'});`;
        await opened.sql(
          [row('u1', 'ｆｕｌｌ@example.com'), row('u2', 'ｄｕｐ@example.com'), row('u3', 'dup@example.com'), "DELETE FROM schema_migrations WHERE version = 4;"].join('\n'),
        );
        await store.migrate();
        expect((await store.getUser('u1'))?.email).to.equal('full@example.com');
        expect((await store.findUserByEmail('ＦＵＬＬ@example.com'))?.userId).to.equal('u1');
        expect((await store.getUser('u2'))?.email, 'would collide with u3: left as it was').to.equal('ｄｕｐ@example.com');
        expect((await store.findUserByEmail('DUP@example.com'))?.userId).to.equal('u3');
      });

      it('sessions are shared by every handle, keep their participants in order, expire, and go with their user', async () => {
        await store.createUser(user('u1', 'alice@example.com'), audit('user_created'));
        const session = { idHash: 'h1', userId: 'u1', createdAt: t0, expiresAt: later(60_000), participants: [] };
        await store.createSession(session);
        const other = opened.another();
        expect(await other.getSession('h1', later(1))).to.deep.equal(session);
        const participants = ['s3', 's1', 's2'].map((index) => ({ sessionIndex: index, clientId: `c-${index}`, nameId: 'alice', nameIdFormat: 'urn:format' }));
        await store.recordSignIns([signIn('h1', 's3')]);
        await other.recordSignIns([signIn('h1', 's1'), signIn('h1', 's2'), signIn('gone', 's4')]);
        expect((await store.getSession('h1', later(1)))!.participants).to.deep.equal(participants);
        const { participants: _, ...live } = session;
        expect(await other.getLiveSession('h1', later(1)), 'the session alone').to.deep.equal(live);
        expect(await store.findSessionBySessionIndex('s4', later(1)), 'a participant of no session is left out').to.equal(undefined);
        const signIns = await store.queryAudit({ filter: { events: ['sso_succeeded'] }, order: 'newest', limit: 10 });
        expect(signIns.map((entry) => entry.details.session_index), 'every audit entry, in order').to.deep.equal(['s4', 's2', 's1', 's3']);
        expect((await other.findSessionBySessionIndex('s2', later(1)))?.idHash).to.equal('h1');
        expect(await store.findSessionBySessionIndex('s2', later(60_000)), 'expired').to.equal(undefined);
        expect(await store.getSession('h1', later(60_000))).to.equal(undefined);
        expect(await store.findSessionBySessionIndex('nope', later(1))).to.equal(undefined);

        await store.createSession({ ...session, idHash: 'h2' });
        await store.deleteSession('h2');
        expect(await store.getSession('h2', later(1))).to.equal(undefined);
        await store.deleteUser('u1', audit('user_deleted'), later(2));
        expect(await store.getSession('h1', later(1)), 'deleting the user ends the session').to.equal(undefined);
        expect(await store.findSessionBySessionIndex('s1', later(1))).to.equal(undefined);
      });

      it('login states: put, read before expiry only, delete', async () => {
        await store.putLoginState('st1', '{"relayState":"x"}', later(1000));
        expect(await opened.another().getLoginState('st1', later(999))).to.equal('{"relayState":"x"}');
        expect(await store.getLoginState('st1', later(1000))).to.equal(undefined);
        await store.deleteLoginState('st1');
        expect(await store.getLoginState('st1', t0)).to.equal(undefined);
      });

      it('a request ID is accepted once until it expires, even when replayed concurrently through two handles', async () => {
        expect(await store.rememberRequestId('urn:sp', '_id1', later(1000), t0)).to.equal(true);
        expect(await store.rememberRequestId('urn:sp', '_id1', later(1000), later(10))).to.equal(false);
        expect(await store.rememberRequestId('urn:other-sp', '_id1', later(1000), later(10))).to.equal(true);
        expect(await store.rememberRequestId('urn:sp', '_id1', later(5000), later(1000)), 'after expiry').to.equal(true);
        const other = opened.another();
        const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other).rememberRequestId('urn:sp', '_race', later(9000), later(2000))));
        expect(answers.filter(Boolean)).to.have.length(1);
      });
    });

    describe('expiry (purgeExpired)', () => {
      it('deletes expired sessions (with their participants), login states and request IDs, and nothing alive; reads never purge', async () => {
        await store.createUser(user('u1', 'alice@example.com'), audit('user_created'));
        const session = (idHash: string, expiresAt: Date) => ({ idHash, userId: 'u1', createdAt: t0, expiresAt, participants: [] });
        await store.createSession(session('old', later(1000)));
        await store.createSession(session('live', later(60_000)));
        await store.recordSignIns([signIn('old', 'old-1')]);
        await store.putLoginState('st-old', '{}', later(1000));
        await store.putLoginState('st-live', '{}', later(60_000));
        expect(await store.rememberRequestId('urn:sp', '_old', later(1000), t0)).to.equal(true);
        expect(await store.rememberRequestId('urn:sp', '_live', later(60_000), later(2000))).to.equal(true);

        expect(await store.purgeExpired(later(999)), 'nothing has expired yet').to.deep.equal({ sessions: 0, loginStates: 0, requestIds: 0, rateLimits: 0 });
        expect(await opened.another().purgeExpired(later(1000))).to.deep.equal({ sessions: 1, loginStates: 1, requestIds: 1, rateLimits: 0 });
        expect(await store.purgeExpired(later(1000)), 'a second purge finds nothing').to.deep.equal({ sessions: 0, loginStates: 0, requestIds: 0, rateLimits: 0 });

        expect(await store.getSession('live', later(1000))).to.deep.equal(session('live', later(60_000)));
        expect(await store.getLoginState('st-live', later(1000))).to.equal('{}');
        expect(await store.rememberRequestId('urn:sp', '_live', later(60_000), later(3000)), 'a live request ID is still a replay').to.equal(false);
        expect(await store.rememberRequestId('urn:sp', '_old', later(9000), later(3000)), 'a purged request ID is new again').to.equal(true);
        expect(await store.findSessionBySessionIndex('old-1', t0), 'the participant went with its session').to.equal(undefined);
        await store.createSession(session('old', later(90_000)));
        await store.recordSignIns([signIn('old', 'old-1')]);
        expect((await store.findSessionBySessionIndex('old-1', t0))?.idHash, 'its SessionIndex is free again').to.equal('old');
      });

      it('drops a rate-limit bucket only once it has been idle for idleBucketMs (default one day)', async () => {
        const request = { bucket: 'login:account:alice', policy: { burst: 2, perDay: 2 } };
        await store.takeRateLimit(request, t0);
        await store.takeRateLimit(request, t0);
        const day = 86_400_000;
        expect((await store.purgeExpired(later(day - 1))).rateLimits).to.equal(0);
        expect((await store.peekRateLimit(request, later(1))).allowed, 'still spent').to.equal(false);
        expect((await store.purgeExpired(later(day), { idleBucketMs: day + 1 })).rateLimits, 'a longer idle time keeps it').to.equal(0);
        expect((await store.purgeExpired(later(day))).rateLimits).to.equal(1);
        expect((await store.peekRateLimit(request, later(day))).remaining, 'a dropped bucket is full').to.equal(2);
      });
    });

    describe('change notifications', () => {
      it(backend.name === 'postgres' ? 'another handle is told which counter moved, after commit' : 'subscribe is a no-op (polling is the channel)', async () => {
        const other = opened.another();
        expect(other.subscribe, 'every store offers subscribe (optional in the interface)').to.be.a('function');
        const seen: ChangeTopic[][] = [];
        const subscription = other.subscribe!((topics) => seen.push(topics));
        if (backend.name === 'sqlite') {
          await initKeys(store);
          await new Promise((resolve) => setTimeout(resolve, 100));
          expect(seen).to.deep.equal([]);
          await subscription.close();
          return;
        }
        await (subscription as unknown as { ready(): Promise<void> }).ready();
        await waitFor(() => seen.length > 0, 'the resync after connecting');
        seen.length = 0;
        await initKeys(store);
        await waitFor(() => seen.some((topics) => topics.includes('keys')), 'keys notice');
        await store.saveApplication(app('n1'), audit('client_created'));
        await waitFor(() => seen.some((topics) => topics.includes('clients')), 'clients notice');
        // A refused change sends nothing.
        seen.length = 0;
        await failure(rotateOnce(store, later(5), { bucket: 'b', policy: { burst: 1, perDay: 1 } }).then(() => rotateOnce(store, later(6), { bucket: 'b', policy: { burst: 1, perDay: 1 } })));
        await waitFor(() => seen.length === 1, 'one notice for the one committed rotation');
        await new Promise((resolve) => setTimeout(resolve, 150));
        expect(seen).to.deep.equal([['keys']]);
        await subscription.close();
      });
    });
  });
}

const waitFor = (condition: () => boolean, what: string) => until(condition, 3000, what, 10);
