// The sign-in group commit over a real SQLite store: reads through it see queued sign-ins, audit
// reads and other audit entries commit the queue first, and close() commits what is queued.
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';
import { withGroupCommit } from '../../../src/store/group-commit.js';
import type { Store } from '../../../src/store/store.js';
import { tempDir } from '../../helpers/server.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const later = new Date(t0.getTime() + 1000);
const actor = { type: 'system' as const, id: 'test' };
const signIn = (idHash: string, sessionIndex: string) => ({
  at: t0,
  audit: { event: 'sso_succeeded' as const, description: sessionIndex, actor },
  participant: { idHash, sessionIndex, clientId: 'c', nameId: 'alice', nameIdFormat: 'urn:format' },
});

describe('store/group-commit: sign-ins queued, read back, committed', () => {
  let dir: string;
  let raw: Store;
  let store: Store;
  /** What another process would read: the rows committed so far. */
  let committed: Store;
  beforeEach(async () => {
    dir = tempDir();
    raw = openSqliteStore(join(dir, 'fedmeta.db'));
    await raw.migrate();
    // An hour: nothing is committed by the timer while a test runs.
    store = withGroupCommit(raw, { commitMs: 3_600_000 });
    committed = openSqliteStore(join(dir, 'fedmeta.db'));
    await store.createUser({ userId: 'u1', email: 'alice@example.com', name: 'Alice', admin: false, attributes: {}, passwordHash: 'scrypt$x', blocked: false, createdAt: t0, updatedAt: t0 }, { event: 'user_created', description: 'u', actor });
    for (const idHash of ['h1', 'h2']) await store.createSession({ idHash, userId: 'u1', createdAt: t0, expiresAt: new Date(t0.getTime() + 60_000), participants: [] });
  });
  afterEach(async () => {
    await committed.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a queued participant is part of its session and found by its SessionIndex; deleting the session drops it', async () => {
    await store.recordSignIns([signIn('h1', 's1'), signIn('h2', 's2')]);
    expect((await committed.getSession('h1', later))!.participants, 'not committed yet').to.deep.equal([]);
    expect((await store.getSession('h1', later))!.participants.map((p) => p.sessionIndex)).to.deep.equal(['s1']);
    expect((await store.findSessionBySessionIndex('s2', later))?.idHash).to.equal('h2');
    await store.deleteSession('h2');
    expect(await store.findSessionBySessionIndex('s2', later)).to.equal(undefined);
    await store.close();
    expect((await committed.getSession('h1', later))!.participants.map((p) => p.sessionIndex), 'close() committed the queue').to.deep.equal(['s1']);
    const audit = await committed.queryAudit({ limit: 10 });
    expect(audit.map((entry) => entry.description), "the deleted session's sign-in is still audited").to.deep.equal(['s2', 's1', 'u']);
  });

  it('reading the audit log, or adding another entry, commits the queued sign-ins first (the log stays in order)', async () => {
    await store.recordSignIns([signIn('h1', 's1')]);
    expect((await store.queryAudit({ limit: 10 })).map((entry) => entry.description)).to.deep.equal(['s1', 'u']);
    await store.recordSignIns([signIn('h1', 's2')]);
    await store.appendAudit({ event: 'logout', description: 'signed out', actor }, later);
    expect((await committed.queryAudit({ limit: 10 })).map((entry) => entry.description)).to.deep.equal(['signed out', 's2', 's1', 'u']);
    await store.close();
  });

  it('a full queue commits at once; commitMs 0 is the store itself', async () => {
    const small = withGroupCommit(raw, { commitMs: 3_600_000, maxRows: 2 });
    await small.recordSignIns([signIn('h1', 's1')]);
    expect((await committed.getSession('h1', later))!.participants).to.have.length(0);
    await small.recordSignIns([signIn('h1', 's2')]);
    expect((await committed.getSession('h1', later))!.participants.map((p) => p.sessionIndex)).to.deep.equal(['s1', 's2']);
    expect(withGroupCommit(raw, { commitMs: 0 })).to.equal(raw);
    await small.close();
  });
});
