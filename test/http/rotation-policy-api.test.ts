// The rotation policy made visible (issue 12 section 1): GET /api/v2/keys/signing/policy (scope
// read:signing_keys), fedmeta keys policy [--json], and "Next rotation on …" on the Signing Keys page.
import { expect } from 'chai';
import { captureIo, managementClient, startTestServer, type TestServer } from '../helpers/server.js';
import { Browser } from '../helpers/browser.js';
import { runCommand } from '../../src/cli/main.js';
import { DAY, PinnedClock, POLICY_ENV as POLICY } from '../helpers/pinned-clock.js';
import type { RotationPolicyReport } from '../../src/keys/policy-report.js';

const PASSWORD = 'correct horse battery';

describe('rotation policy: API, CLI and dashboard', () => {
  let server: TestServer;
  const clock = new PinnedClock(Date.now());

  before(async () => {
    server = await startTestServer({ clock, env: POLICY });
    await server.jobs.rotations.tick();
  });
  after(async () => server.destroy());

  const currentSince = async () => (await server.services.keys.list()).find((key) => key.state === 'current')!.currentSince!;

  it('GET /api/v2/keys/signing/policy: settings, next rotation, scheduled revocations; needs read:signing_keys', async () => {
    const api = await managementClient(server, 'read:signing_keys');
    const response = await api('/api/v2/keys/signing/policy');
    expect(response.status).to.equal(200);
    const body = (await response.json()) as RotationPolicyReport;
    expect(body).to.deep.equal({
      rotate_every: '90d',
      next_min_age: '14d',
      revoke_previous_after: '30d',
      require_ready: false,
      next_rotation_at: new Date((await currentSince()).getTime() + 90 * DAY).toISOString(),
      scheduled_revocations: [],
    });
    const noScope = await managementClient(server, 'read:clients');
    expect((await noScope('/api/v2/keys/signing/policy')).status).to.equal(403);
  });

  it('after a scheduled rotation, the previous key is scheduled for revocation 30 days later', async () => {
    clock.advance(90 * DAY);
    await server.jobs.rotations.tick();
    const previous = (await server.services.keys.list()).find((key) => key.state === 'previous')!;
    const api = await managementClient(server, 'read:signing_keys');
    const body = (await (await api('/api/v2/keys/signing/policy')).json()) as RotationPolicyReport;
    expect(body.scheduled_revocations).to.deep.equal([{ kid: previous.kid, revoke_at: new Date(previous.currentUntil!.getTime() + 30 * DAY).toISOString() }]);
    expect(body.next_rotation_at).to.equal(new Date((await currentSince()).getTime() + 90 * DAY).toISOString());
  });

  it('fedmeta keys policy [--json]', async () => {
    const json = captureIo();
    await runCommand(['keys', 'policy', '--json'], server.services, json);
    const report = JSON.parse(json.stdout()) as RotationPolicyReport;
    expect(report.rotate_every).to.equal('90d');
    const text = captureIo();
    await runCommand(['keys', 'policy'], server.services, text);
    expect(text.stdout()).to.match(/rotate every:\s+90d/).and.to.include(`next rotation:          ${report.next_rotation_at}`);
    expect(text.stdout()).to.include(`revocation of ${report.scheduled_revocations[0]!.kid}: ${report.scheduled_revocations[0]!.revoke_at}`);
  });

  it('the Signing Keys page says "Next rotation on …"', async () => {
    const admin = { email: 'admin@example.com', password: PASSWORD, admin: true };
    await server.services.users.create(admin, { type: 'system', id: 'test' });
    const browser = new Browser();
    await browser.submit(await browser.request(`${server.url}/login`), { username: admin.email, password: PASSWORD });
    const page = await browser.request(`${server.url}/dashboard/signing-keys`);
    expect(page.status).to.equal(200);
    expect(page.body).to.match(/Next rotation on [^<]*\d{4}/).and.to.include('every 90d, the next key at least 14d old');
    expect(page.body).to.include('Previous keys are revoked 30d after they stop signing; next revocation on');
  });
});
