// The audit port (audit/audit-store.ts) on every backend: the migration that turned older versions'
// Auth0-coded rows into event names and filed user_id/client_id, the filters, counts, keyset paging,
// and the retention purge in batches, oldest first.
import { expect } from 'chai';
import type { AuditInput } from '../../src/audit/types.js';
import type { AuditEventType } from '../../src/audit/event-types.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite.js';
import { postgresMigrations } from '../../src/store/migrations/postgres.js';
import { describeOnEveryBackend } from './backends.js';

const t0 = new Date('2026-11-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const entry = (event: AuditEventType, actor: AuditInput['actor'], details: Record<string, unknown> = {}): AuditInput => ({ event, description: event, actor, details });
/** The migration that added the audit query columns, whatever number the merge gave it. */
const queryMigration = (migrations: { version: number; sql: string }[]) => migrations.find((migration) => migration.sql.includes('CREATE INDEX audit_log_client'))!.version;

describeOnEveryBackend('audit store contract', (current, backend) => {
  it('the migration renames rows older versions stored under Auth0 codes and files their user_id and client_id', async () => {
    const opened = current();
    const version = queryMigration(backend.name === 'sqlite' ? sqliteMigrations : postgresMigrations);
    const date = backend.name === 'sqlite' ? String(t0.getTime()) : `'${t0.toISOString()}'`;
    const old = (type: string, actorType: string, actorId: string, details = '{}') => `(${date}, '${type}', '${type}', '${actorType}', '${actorId}', NULL, '${details}')`;
    await opened.sql(`
      DROP INDEX audit_log_type; DROP INDEX audit_log_at; DROP INDEX audit_log_user; DROP INDEX audit_log_client;
      ALTER TABLE audit_log DROP COLUMN user_id; ALTER TABLE audit_log DROP COLUMN client_id;
      DELETE FROM schema_migrations WHERE version = ${version};
      INSERT INTO audit_log (at, type, description, actor_type, actor_id, ip, details) VALUES
        ${[
          old('s', 'user', 'usr_1'),
          old('f', 'user', 'typed@example.com'),
          old('seccft', 'api_client', 'cli_1'),
          old('ssa', 'user', 'usr_2', '{"client_id":"app_1"}'),
          old('key_rotated', 'user', 'usr_1'),
          old('client_deleted', 'api_client', 'cli_1', '{"client_id":"app_2"}'),
          old('slo', 'user', 'usr_2', '{"client_id":7}'),
        ].join(', ')};`);
    await opened.store.migrate();
    const rows = (await opened.store.queryAudit({ order: 'oldest', limit: 10 })).map(({ type, event, user_id, user_name, client_id }) => ({ type, event, user_id, user_name, client_id }));
    expect(rows).to.deep.equal([
      { type: 's', event: 'login_succeeded', user_id: 'usr_1', user_name: undefined, client_id: undefined },
      { type: 'fp', event: 'login_failed', user_id: undefined, user_name: 'typed@example.com', client_id: undefined },
      { type: 'seccft', event: 'token_issued', user_id: undefined, user_name: undefined, client_id: 'cli_1' },
      { type: 's', event: 'sso_succeeded', user_id: 'usr_2', user_name: undefined, client_id: 'app_1' },
      { type: 'sapi', event: 'key_rotated', user_id: 'usr_1', user_name: undefined, client_id: undefined },
      { type: 'sapi', event: 'client_deleted', user_id: undefined, user_name: undefined, client_id: 'cli_1' },
      { type: 'slo', event: 'logout', user_id: 'usr_2', user_name: undefined, client_id: undefined },
    ]);
    expect(await opened.store.countAudit({ userId: 'usr_1' })).to.equal(2);
  });

  it('filters by event, date, user_id and client_id (all given must match), counts, and pages below an entry', async () => {
    const { store } = current();
    const admin = { type: 'user' as const, id: 'usr_admin' };
    for (let i = 0; i < 30; i += 1) {
      await store.appendAudit(entry(i % 2 ? 'key_rotated' : 'client_updated', admin, { client_id: `app_${i % 3}` }), at(i * 1000));
      await store.appendAudit(entry('login_failed', { type: 'user', id: 'ann@example.com' }, { user_id: 'usr_ann' }), at(i * 1000 + 1));
    }
    const ids = async (filter: Parameters<typeof store.countAudit>[0]) => (await store.queryAudit({ filter, limit: 100 })).map((e) => e.description + e.date);
    expect(await store.countAudit({})).to.equal(60);
    expect(await store.countAudit({ events: ['key_rotated'] })).to.equal(15);
    expect(await store.countAudit({ events: ['key_rotated', 'login_failed'] })).to.equal(45);
    expect(await store.countAudit({ events: [] }), 'no event: nothing').to.equal(0);
    expect(await store.countAudit({ userId: 'usr_ann' })).to.equal(30);
    expect(await store.countAudit({ clientId: 'app_1' })).to.equal(10);
    expect(await store.countAudit({ since: at(10_000), until: at(20_000) }), 'since inclusive, until exclusive').to.equal(20);
    expect(await store.countAudit({ events: ['key_rotated'], clientId: 'app_1', userId: 'usr_admin', since: at(0), until: at(30_000) })).to.equal(5);
    expect((await ids({ userId: 'usr_admin', clientId: 'app_0' })).length).to.equal(10);

    const pages: string[] = [];
    let below: { date: Date; logId: number } | undefined;
    for (let round = 0; round < 20; round += 1) {
      const page = await store.queryAudit({ filter: { events: ['login_failed', 'key_rotated'] }, ...(below ? { below } : {}), limit: 7 });
      pages.push(...page.map((e) => e.log_id));
      const last = page.at(-1);
      if (!last) break;
      below = { date: new Date(last.date), logId: Number(last.log_id) };
    }
    expect(pages).to.deep.equal((await store.queryAudit({ filter: { events: ['login_failed', 'key_rotated'] }, limit: 100 })).map((e) => e.log_id));
    expect(new Set(pages).size).to.equal(45);
  });

  it('purges entries dated before the cutoff, oldest first, a batch at a time', async () => {
    const { store } = current();
    for (let i = 0; i < 25; i += 1) await store.appendAudit(entry(i % 2 ? 'key_revoked' : 'logout', { type: 'system', id: 'test' }), at(i));
    expect(await store.purgeAuditBefore(at(20), 8)).to.equal(8);
    expect((await store.queryAudit({ order: 'oldest', limit: 1 }))[0]!.date, 'the oldest went first').to.equal(at(8).toISOString());
    expect(await store.purgeAuditBefore(at(20), 8)).to.equal(8);
    expect(await store.purgeAuditBefore(at(20), 8)).to.equal(4);
    expect(await store.purgeAuditBefore(at(20), 8)).to.equal(0);
    expect((await store.queryAudit({ order: 'oldest', limit: 100 })).map((e) => e.date)).to.deep.equal(Array.from({ length: 5 }, (_, i) => at(20 + i).toISOString()));
  });
});
