// fedmeta keys status / acknowledge / rotate --force and clients --certificate-delivery, run
// in-process on a real server's services (the same code the binary runs).
import { expect } from 'chai';
import { captureIo, startTestServer, type TestServer } from '../helpers/server.js';
import { runCommand } from '../../src/cli/main.js';
import { FedmetaError } from '../../src/errors.js';
import type { RolloverReport } from '../../src/rollover/report.js';

describe('CLI: keys status, acknowledge, rotate --force, --certificate-delivery', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ env: { FEDMETA_ROTATION_REQUIRE_READY: 'true' } });
  });
  after(async () => server.destroy());

  const run = async (...args: string[]) => {
    const io = captureIo();
    await runCommand(args, server.services, io);
    return { stdout: io.stdout(), stderr: io.stderr() };
  };
  const status = async () => JSON.parse((await run('keys', 'status', '--json')).stdout) as RolloverReport;

  it('prints the readiness report as JSON and as text; a manual application needs acknowledge before a strict rotation', async () => {
    const added = await run('clients', 'add-wsfed', '--name', 'Uploads', '--realm', 'urn:uploads', '--callback', 'https://rp.example.com/wsfed', '--certificate-delivery', 'manual', '--json');
    const app = JSON.parse(added.stdout) as { client_id: string; addons: { wsfed: { certificateDelivery: string } } };
    expect(app.addons.wsfed.certificateDelivery).to.equal('manual');
    const wrong = await run('clients', 'add-wsfed', '--name', 'X', '--realm', 'urn:x', '--callback', 'https://rp.example.com/x', '--certificate-delivery', 'email').catch((error: FedmetaError) => error);
    expect((wrong as FedmetaError).code).to.equal('invalid_body');

    const report = await status();
    expect(report.ready).to.equal(false);
    expect(report.applications.map((a) => [a.client_id, a.state, a.certificate_delivery])).to.deep.equal([[app.client_id, 'stale', 'manual']]);
    const text = (await run('keys', 'status')).stdout;
    expect(text).to.include('0 of 1 applications already trust the next key');
    expect(text).to.include(`/wsfed/${app.client_id}/FederationMetadata/2007-06/FederationMetadata.xml`);

    const refused = await run('keys', 'rotate').catch((error: FedmetaError) => error);
    expect((refused as FedmetaError).code).to.equal('rollover_not_ready');

    expect((await run('keys', 'acknowledge', app.client_id)).stdout).to.match(/^acknowledged: /);
    expect((await status()).applications[0]!.state).to.equal('acknowledged');
    expect((await status()).ready).to.equal(true);
    expect((await run('keys', 'rotate')).stdout).to.match(/^rotated: /);
  });

  it('rotate --force rotates a store that is not ready, warns on stderr and is audited as forced', async () => {
    expect((await status()).applications[0]!.state, 'the new next key is not acknowledged').to.equal('stale');
    const forced = await run('keys', 'rotate', '--force');
    expect(forced.stderr).to.match(/^warning: Uploads does not trust the next key/);
    const [latest] = await server.services.store.queryAudit({ limit: 1 });
    expect(latest).to.deep.include({ event: 'key_rotated' });
    expect(latest!.details).to.deep.include({ forced: true });
  });
});
