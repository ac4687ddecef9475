// The users port's search and PATCH on every backend: parsed queries (users/query.ts) select the same
// rows on SQLite and PostgreSQL, countUsers agrees with them, updateUser writes only the columns it is
// given (a concurrent change to another column survives), ends the user's sessions when asked, and
// writes its audit entries in the same transaction.
import { expect } from 'chai';
import type { User } from '../../src/users/types.js';
import type { AuditInput } from '../../src/audit/types.js';
import type { AuditEventType } from '../../src/audit/event-types.js';
import { parseUserQuery } from '../../src/users/query.js';
import { describeOnEveryBackend, type OpenedStore } from './backends.js';

const t0 = new Date('2026-03-01T10:00:00.123Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const audit = (event: AuditEventType): AuditInput => ({ event, description: event, actor: { type: 'system', id: 'test' } });
const user = (userId: string, email: string, name: string, createdAt: Date): User => ({
  userId,
  email,
  name,
  admin: false,
  blocked: false,
  attributes: {},
  passwordHash: `scrypt$${userId}`,
  createdAt,
  updatedAt: createdAt,
});

describeOnEveryBackend('users store contract: search and update', (current, backend) => {
  let opened: OpenedStore;
  beforeEach(async () => {
    opened = current();
    const people = [
      ['u1', 'ann@example.com', 'Ann Lee'],
      ['u2', 'bob@example.com', 'Bob Smith'],
      ['u3', 'carol@other.org', 'Élodie Smith'],
      ['u4', 'd_x@example.com', '50% Off'],
    ];
    for (const [index, [id, email, name]] of people.entries()) await opened.store.createUser(user(id!, email!, name!, later(index)), audit('user_created'));
  });

  it('a parsed q selects and counts the same users on every backend, oldest first', async () => {
    const ids = async (q: string) => (await opened.store.listUsers({ filter: parseUserQuery(q), page: 0, perPage: 10 })).map((u) => u.userId);
    const cases: [string, string[]][] = [
      ['smith', ['u2', 'u3']],
      ['name:"élodie smith"', ['u3']],
      ['ÉLODIE', ['u3']],
      ['email:*@example.com', ['u1', 'u2', 'u4']],
      ['email.domain:other.org', ['u3']],
      ['"d_x"', ['u4']],
      ['"50%"', ['u4']],
      ['"_"', ['u4']],
      ['NOT smith', ['u1', 'u4']],
      ['ann OR (bob AND NOT blocked:true)', ['u1', 'u2']],
    ];
    for (const [q, expected] of cases) {
      expect(await ids(q), q).to.deep.equal(expected);
      expect(await opened.store.countUsers(parseUserQuery(q)), `count ${q}`).to.equal(expected.length);
    }
    expect(await opened.store.countUsers()).to.equal(4);
    expect((await opened.store.listUsers({ page: 1, perPage: 3 })).map((u) => u.userId)).to.deep.equal(['u4']);
  });

  it('updateUser writes only the given columns, ends sessions when asked, audits in the same transaction; unknown user: false, nothing written', async () => {
    const { store } = opened;
    const session = (idHash: string) => ({ idHash, userId: 'u1', createdAt: t0, expiresAt: later(3_600_000), participants: [] });
    await store.createSession(session('h1'));
    await store.createSession(session('h2'));
    const other = opened.another();
    // Another handle blocks while this one renames: neither undoes the other.
    expect(await other.updateUser('u1', { blocked: true }, { audits: [audit('user_blocked')], endSessions: true, now: later(10) })).to.equal(true);
    expect(await store.updateUser('u1', { name: 'Ann Park', attributes: { plan: { tier: 'gold' } } }, { audits: [audit('user_updated')], endSessions: false, now: later(20) })).to.equal(true);
    const changed = (await store.getUser('u1'))!;
    expect(changed).to.deep.include({ name: 'Ann Park', blocked: true, attributes: { plan: { tier: 'gold' } }, passwordHash: 'scrypt$u1' });
    expect(changed.updatedAt.getTime()).to.equal(later(20).getTime());
    expect(changed.createdAt.getTime()).to.equal(t0.getTime());
    expect(await store.getSession('h1', later(30)), 'sessions ended').to.equal(undefined);
    expect(await store.getSession('h2', later(30))).to.equal(undefined);
    expect((await store.listUsers({ filter: parseUserQuery('name:"ann park"'), page: 0, perPage: 5 })).map((u) => u.userId)).to.deep.equal(['u1']);

    await store.createSession({ ...session('h3'), userId: 'u2' });
    expect(await store.updateUser('u2', { passwordHash: 'scrypt$new' }, { audits: [], endSessions: false, now: later(40) })).to.equal(true);
    expect(await store.getSession('h3', later(50)), 'kept when not asked').to.not.equal(undefined);
    expect(await store.updateUser('nobody', { blocked: true }, { audits: [audit('user_blocked')], endSessions: true, now: later(60) })).to.equal(false);
    expect((await store.queryAudit({ limit: 3 })).map((entry) => entry.event)).to.deep.equal(['user_updated', 'user_blocked', 'user_created']);
  });

  it('updateUser with unchangedSince writes only while updated_at still equals it (a metadata merge never loses a concurrent one)', async () => {
    const { store } = opened;
    const read = (await store.getUser('u2'))!;
    expect(await opened.another().updateUser('u2', { attributes: { a: 1 } }, { audits: [audit('user_updated')], endSessions: false, now: later(100), unchangedSince: read.updatedAt })).to.equal(true);
    const stale = await store.updateUser('u2', { attributes: { b: 2 } }, { audits: [audit('user_updated')], endSessions: false, now: later(200), unchangedSince: read.updatedAt });
    expect(stale, 'read before the other write: refused').to.equal(false);
    expect((await store.getUser('u2'))!.attributes).to.deep.equal({ a: 1 });
    const fresh = (await store.getUser('u2'))!;
    expect(await store.updateUser('u2', { attributes: { ...fresh.attributes, b: 2 } }, { audits: [audit('user_updated')], endSessions: false, now: later(300), unchangedSince: fresh.updatedAt })).to.equal(true);
    expect((await store.getUser('u2'))!.attributes).to.deep.equal({ a: 1, b: 2 });
    expect((await store.queryAudit({ limit: 3 })).map((entry) => entry.event)).to.deep.equal(['user_updated', 'user_updated', 'user_created']);
  });

  it('migration 8 brings users written before it: not blocked, updated_at = created_at, their names searchable', async () => {
    // Back to the schema before migration 8, with a row as that version wrote it.
    await opened.sql(
      [
        'DROP INDEX sessions_by_user;',
        'ALTER TABLE users DROP COLUMN blocked;',
        'ALTER TABLE users DROP COLUMN name_key;',
        'ALTER TABLE users DROP COLUMN updated_at;',
        'DELETE FROM schema_migrations WHERE version = 8;',
      ].join('\n'),
    );
    const at = backend.name === 'sqlite' ? String(t0.getTime()) : `'${t0.toISOString()}'::timestamptz`;
    await opened.sql(`INSERT INTO users (user_id, email, name, admin, attributes, password_hash, created_at) VALUES ('u9', 'old@example.com', 'ÉLISE Old', false, '{}', 'scrypt$x', ${at});`);
    await opened.store.migrate();
    const old = (await opened.store.getUser('u9'))!;
    expect(old).to.deep.include({ blocked: false, name: 'ÉLISE Old' });
    expect(old.updatedAt.getTime()).to.equal(old.createdAt.getTime());
    expect((await opened.store.listUsers({ filter: parseUserQuery('name:"élise old"'), page: 0, perPage: 5 })).map((u) => u.userId)).to.deep.equal(['u9']);
  });
});
