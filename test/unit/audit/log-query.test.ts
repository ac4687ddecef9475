// The pure parts of audit log queries: the q subset of Auth0's search syntax (every accepted form and
// the refusals), the closed event table's mapping to Auth0's codes, and FEDMETA_AUDIT_RETENTION.
import { expect } from 'chai';
import { parseLogQuery, MAX_QUERY_LENGTH } from '../../../src/audit/log-query.js';
import { AUDIT_EVENTS, AUDIT_EVENT_TYPES, auth0Code, eventsOfType, eventName } from '../../../src/audit/event-types.js';
import { FedmetaError } from '../../../src/errors.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const refused = (q: string): FedmetaError => {
  try {
    parseLogQuery(q);
  } catch (error) {
    expect(error).to.be.instanceOf(FedmetaError);
    expect((error as FedmetaError).status).to.equal(400);
    expect((error as FedmetaError).code).to.equal('invalid_query_string');
    return error as FedmetaError;
  }
  throw new Error(`accepted: ${q}`);
};

/** The codes Auth0 documents (https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes) that fedmeta uses. */
const AUTH0_CODES = new Map([
  ['s', 'Success Login'],
  ['f', 'Failed Login'],
  ['scp', 'Success Change Password'],
  ['fp', 'Incorrect Password'],
  ['fu', 'Invalid Email/Username'],
  ['slo', 'Success Logout'],
  ['sapi', 'Success API Operation'],
  ['fapi', 'Failed API Operation'],
  ['sdu', 'Successful User Deletion'],
  ['seccft', 'Success Exchange (Client Credentials for Access Token)'],
  ['feccft', 'Failed Exchange (Client Credentials for Access Token)'],
  ['limit_wc', 'Blocked Account'],
  ['limit_mu', 'Blocked IP Address'],
  ['api_limit', 'Rate Limit on the Authentication or Management APIs'],
]);

describe('audit log queries (pure)', () => {
  describe('the event table', () => {
    it('maps every event to one of Auth0 codes, with a distinct human name', () => {
      for (const event of AUDIT_EVENT_TYPES) expect(AUTH0_CODES.has(auth0Code(event)), `${event} → ${auth0Code(event)}`).to.equal(true);
      const names = AUDIT_EVENT_TYPES.map(eventName);
      expect(new Set(names).size, 'names tell events apart').to.equal(names.length);
      expect(names.every((name) => !AUTH0_CODES.has(name))).to.equal(true);
    });

    it('finds the events behind a code or a name; an unknown stored name is shown as it is', () => {
      expect(eventsOfType('sapi')).to.include.members(['key_rotated', 'client_created', 'user_created']);
      expect(eventsOfType('sapi').every((event) => AUDIT_EVENTS[event].code === 'sapi')).to.equal(true);
      expect(eventsOfType('key_rotated')).to.deep.equal(['key_rotated']);
      expect(eventsOfType('fce')).to.deep.equal([]);
      expect(auth0Code('from_a_newer_version')).to.equal('from_a_newer_version');
      expect(eventName('from_a_newer_version')).to.equal('From a newer version');
    });
  });

  describe('q', () => {
    it('no q, or a blank one: no filter', () => {
      expect(parseLogQuery(undefined)).to.deep.equal({});
      expect(parseLogQuery('   ')).to.deep.equal({});
    });

    it('type: an Auth0 code, a fedmeta event name, or several with OR in parentheses', () => {
      expect(parseLogQuery('type:sapi').events).to.have.members(eventsOfType('sapi'));
      expect(parseLogQuery('type:"key_revoked"').events).to.deep.equal(['key_revoked']);
      expect(parseLogQuery('type:(fp OR fu OR  s)').events).to.have.members(['login_failed', 'login_unknown_user', 'login_succeeded', 'sso_succeeded']);
      expect(parseLogQuery('type:fce').events, 'a code fedmeta never writes matches what is stored under it').to.deep.equal(['fce']);
    });

    it('date: a whole day, an inclusive range of days or instants, open ends', () => {
      expect(parseLogQuery('date:2026-11-30')).to.deep.equal({ since: new Date('2026-11-30T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') });
      expect(parseLogQuery('date:[2026-11-01 TO 2026-11-30]')).to.deep.equal({ since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-12-01T00:00:00Z') });
      expect(parseLogQuery('date:[2026-11-01T10:00:00Z TO 2026-11-01T11:00:00.500Z]')).to.deep.equal({
        since: new Date('2026-11-01T10:00:00Z'),
        until: new Date('2026-11-01T11:00:00.501Z'),
      });
      expect(parseLogQuery('date:[* TO 2026-11-30]')).to.deep.equal({ until: new Date('2026-12-01T00:00:00Z') });
      expect(parseLogQuery('date:[2026-11-30 TO *]')).to.deep.equal({ since: new Date('2026-11-30T00:00:00Z') });
    });

    it('user_id and client_id, quoted or bare; terms joined by AND or spaces', () => {
      expect(parseLogQuery('user_id:"usr_1 2" AND client_id:abc')).to.deep.equal({ userId: 'usr_1 2', clientId: 'abc' });
      expect(parseLogQuery('client_id:abc type:s date:2026-11-30')).to.deep.include({ clientId: 'abc', since: new Date('2026-11-30T00:00:00Z') });
    });

    it('refuses what the subset does not support, saying what and where', () => {
      expect(refused('description:rotated').message).to.include('unsupported field "description"').and.include('position 1');
      expect(refused('type:s OR type:f').message).to.include('OR, NOT');
      expect(refused('NOT type:s').message).to.include('OR, NOT');
      expect(refused('-type:s').message).to.include('OR, NOT');
      expect(refused('type:sa*').message).to.include('"*" is not supported');
      expect(refused('user_id:a?c').message).to.include('"?"');
      expect(refused('user_id:abc~').message).to.include('"~"');
      expect(refused('user_id:"a\\"b"').message).to.include('escapes');
      expect(refused('type:s type:f').message).to.include('given twice');
      expect(refused('date:{2026-11-01 TO 2026-11-30}').message).to.include('"{"');
      expect(refused('date:[2026-11-01 TO 2026-13-01]').message).to.include('not a valid date');
      expect(refused('date:[2026-02-30 TO *]').message).to.include('not a valid date');
      expect(refused('date:[yesterday TO *]').message).to.include('not a date');
      expect(refused('date:[2026-11-01 2026-11-30]').message).to.include('TO');
      expect(refused('type:(s AND f)').message).to.include('OR or ")"');
      expect(refused('user_id:').message).to.include('empty value');
      expect(refused('rotated').message).to.include('field:value');
      expect(refused(`user_id:${'a'.repeat(300)}`).message).to.include('256');
      expect(refused(`type:(${Array.from({ length: 21 }, () => 's').join(' OR ')})`).message).to.include('more than 20');
      expect(refused('x'.repeat(MAX_QUERY_LENGTH + 1)).message).to.include(String(MAX_QUERY_LENGTH));
    });

    it('reads a hostile q of the maximum length in one pass (no backtracking)', () => {
      for (const q of ['type:(' + 's OR '.repeat(200), 'user_id:"' + 'a'.repeat(MAX_QUERY_LENGTH - 10), ' AND'.repeat(250), 'date:[' + '9'.repeat(1000)]) {
        refused(q.slice(0, MAX_QUERY_LENGTH));
      }
    });
  });

  describe('FEDMETA_AUDIT_RETENTION', () => {
    const load = (value?: string) => loadConfig({ FEDMETA_KEK: Buffer.alloc(32, 7).toString('base64url'), FEDMETA_ENV_FILE: '/dev/null', ...(value === undefined ? {} : { FEDMETA_AUDIT_RETENTION: value }) }, '/tmp');
    it('defaults to 90 days, takes d/h/m durations of at least a day, and stops start-up otherwise', () => {
      expect(load().auditRetentionMs).to.equal(90 * 86_400_000);
      expect(load('30d').auditRetentionMs).to.equal(30 * 86_400_000);
      expect(load('36h').auditRetentionMs).to.equal(36 * 3_600_000);
      for (const bad of ['30m', '0d', '90', 'forever', '1w']) expect(() => load(bad), bad).to.throw(ConfigError, 'FEDMETA_AUDIT_RETENTION');
    });
  });
});
