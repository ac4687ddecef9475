// The pure parts of log stream delivery and of certificate expiry: filters, body, signature,
// backoff and suspension; which certificates expire; the renewal plan; the settings' validation.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { deliveryBody, delivered, failed, signBody, wanted } from '../../../src/log-streams/delivery.js';
import type { DeliveryState, StreamedEntry } from '../../../src/log-streams/types.js';
import { auth0Code, eventCategory, type AuditEventType } from '../../../src/audit/event-types.js';
import { expiringCertificates, expiryWarning } from '../../../src/keys/expiry.js';
import { renewalDays, renewPlan } from '../../../src/keys/renewal.js';
import type { KeyRecord } from '../../../src/keys/types.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { FedmetaError } from '../../../src/errors.js';

const now = new Date('2026-06-01T00:00:00.000Z');
const DAY = 86_400_000;
const settings = { pollMs: 1000, retryBaseMs: 1000, retryMaxMs: 8000, maxFailures: 5, timeoutMs: 1000, batchSize: 10 };
const entry = (id: number, event: AuditEventType): StreamedEntry => ({
  id,
  entry: { log_id: String(id), date: now.toISOString(), type: auth0Code(event), event, description: event, actor: { type: 'system', id: 'test' }, details: {} },
});

describe('log stream delivery (pure)', () => {
  it('sorts events into categories and keeps only the wanted ones (no filters: everything)', () => {
    const events: AuditEventType[] = ['key_rotated', 'key_renewed', 'certificate_expiring', 'login_succeeded', 'login_failed', 'logout', 'token_issued', 'client_created', 'log_stream_suspended'];
    expect(events.map(eventCategory)).to.deep.equal(['keys', 'keys', 'keys', 'sign_in', 'sign_in', 'sign_in', 'sign_in', 'management', 'management']);
    const entries = [entry(1, 'key_rotated'), entry(2, 'login_succeeded'), entry(3, 'user_created')];
    expect(wanted(entries, []).map((e) => e.log_id)).to.deep.equal(['1', '2', '3']);
    expect(wanted(entries, [{ type: 'category', name: 'sign_in' }, { type: 'category', name: 'keys' }]).map((e) => e.log_id)).to.deep.equal(['1', '2']);
  });

  it('builds a JSON array or JSON lines body and signs it with HMAC-SHA256 (hex)', () => {
    const batch = [entry(1, 'key_rotated').entry, entry(2, 'login_succeeded').entry];
    expect(JSON.parse(deliveryBody(batch, 'JSONARRAY'))).to.deep.equal(batch);
    expect(deliveryBody(batch, 'JSONLINES').split('\n').map((line) => JSON.parse(line))).to.deep.equal(batch);
    expect(signBody('secret', 'body')).to.equal(`sha256=${createHmac('sha256', 'secret').update('body').digest('hex')}`);
  });

  it('backs off exponentially up to the maximum, suspends after maxFailures in a row, and a success clears the failures', () => {
    let state: DeliveryState = { status: 'active', deliveredId: 7, failures: 0, nextAttemptAt: now };
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt += 1) {
      state = failed(state, 'HTTP 503', now, settings);
      delays.push(state.nextAttemptAt.getTime() - now.getTime());
    }
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 8000]);
    expect(state).to.deep.include({ status: 'suspended', failures: 5, deliveredId: 7, suspendedReason: '5 consecutive delivery failures; the last: HTTP 503' });
    const ok = delivered({ ...state, status: 'active', failures: 2 }, 12, now);
    expect(ok).to.deep.include({ deliveredId: 12, failures: 0, lastError: undefined, lastDeliveryAt: now });
    expect(delivered(ok, 3, now).deliveredId, 'never moves back').to.equal(12);
  });
});

describe('certificate expiry and renewal (pure)', () => {
  const key = (kid: string, state: KeyRecord['state'], days: number) => ({ kid, state, notAfter: new Date(now.getTime() + days * DAY) });

  it('lists published certificates expiring within the window, never revoked ones', () => {
    const found = expiringCertificates([key('a', 'current', 10), key('b', 'next', 31), key('c', 'revoked', 1), key('d', 'previous', -2)], now, 30);
    expect(found.map((item) => [item.kid, item.daysLeft, item.expired])).to.deep.equal([['a', 10, false], ['d', 0, true]]);
    expect(expiryWarning(found[0]!)).to.deep.include({ code: 'certificate_expiring', kid: 'a', expires_at: '2026-06-11T00:00:00.000Z' });
    expect(expiryWarning(found[1]!).message).to.match(/previous signing key d expired on/);
  });

  it('the renewal plan swaps the certificate once (idempotent), refuses a revoked key (409) and an unknown kid (404)', () => {
    const record = (state: KeyRecord['state']): KeyRecord => ({ kid: 'k', state, certPem: 'old', location: 'sealed', sealedPrivateKey: 'fmk1.x', createdAt: now, ...(state === 'revoked' ? { revokedAt: now } : {}) });
    const plan = renewPlan([record('previous')], 'k', 'old', 'new');
    expect(plan.changes).to.deep.equal([{ ...record('previous'), certPem: 'new' }]);
    expect(plan.result.renewed).to.equal(true);
    expect(renewPlan([{ ...record('previous'), certPem: 'new' }], 'k', 'old', 'newer')).to.deep.include({ changes: [] });
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return (error as FedmetaError).code;
      }
      return undefined;
    };
    expect(code(() => renewPlan([record('revoked')], 'k', 'old', 'new'))).to.equal('key_state_conflict');
    expect(code(() => renewPlan([record('current')], 'other', 'old', 'new'))).to.equal('key_not_found');
    expect(renewalDays(undefined, 3650)).to.equal(3650);
    expect(renewalDays('90', 3650)).to.equal(90);
    expect(code(() => renewalDays(0, 3650))).to.equal('invalid_body');
  });

  it('settings: documented defaults; automatic renewal stays below the certificate validity', () => {
    const load = (env: Record<string, string>) => loadConfig({ FEDMETA_ENV_FILE: '/dev/null', ...env }, '/srv');
    expect(load({}).certificates).to.deep.equal({ warnDays: 30, autoRenewDays: 30, checkIntervalMs: 3_600_000 });
    expect(load({}).logStreams).to.deep.equal({ pollMs: 1000, retryBaseMs: 1000, retryMaxMs: 300_000, maxFailures: 10, timeoutMs: 10_000, batchSize: 100 });
    expect(load({ FEDMETA_CERT_DAYS: '30' }).certificates.autoRenewDays, 'half of a short validity by default').to.equal(15);
    expect(() => load({ FEDMETA_CERT_DAYS: '30', FEDMETA_CERT_AUTO_RENEW_DAYS: '30' })).to.throw(ConfigError, /FEDMETA_CERT_AUTO_RENEW_DAYS/);
    expect(load({ FEDMETA_CERT_DAYS: '30', FEDMETA_CERT_AUTO_RENEW_DAYS: '0' }).certificates.autoRenewDays).to.equal(0);
    expect(() => load({ FEDMETA_LOG_STREAM_RETRY_BASE_MS: '5000', FEDMETA_LOG_STREAM_RETRY_MAX_MS: '1000' })).to.throw(ConfigError, /RETRY_BASE_MS/);
  });
});
