// Rollover readiness on the dashboard: "N of M applications already trust the next key", the
// confirm-upload button, the not-ready list on the rotate confirmation page and the force checkbox.
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { Browser, readForm, type Page } from '../helpers/browser.js';

const PASSWORD = 'correct horse battery';
const SYSTEM = { type: 'system', id: 'test' } as const;

const readinessRow = (page: Page, clientId: string) => new RegExp(`<tr data-client-id="${clientId}" data-readiness="(\\w+)">([\\s\\S]*?)</tr>`).exec(page.body);

describe('dashboard: rollover readiness', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startTestServer({ env: { FEDMETA_ROTATION_REQUIRE_READY: 'true' } });
    await server.services.users.create({ email: 'admin@example.com', password: PASSWORD, admin: true }, SYSTEM);
    browser = new Browser();
    const login = await browser.request(`${server.url}/login`);
    await browser.submit(login, { username: 'admin@example.com', password: PASSWORD });
  });
  after(async () => server.destroy());

  it('lists who trusts the next key, confirms a manual upload, and lists who does not on the rotate page', async () => {
    const create = (name: string, certificateDelivery?: string) =>
      server.services.clients.create({ name, callbacks: [`https://${name}.example.com/acs`], addons: { samlp: { audience: `urn:${name}`, ...(certificateDelivery ? { certificateDelivery } : {}) } } }, SYSTEM);
    const reader = await create('reader');
    const uploader = await create('uploader', 'manual');
    expect((await fetch(`${server.url}/samlp/metadata/${reader.clientId}`)).status).to.equal(200);

    const page = await browser.request(`${server.url}/dashboard/signing-keys`);
    expect(page.status).to.equal(200);
    expect(page.body).to.match(/<strong>1 of 2<\/strong> applications already trust the next key/);
    expect(readinessRow(page, reader.clientId)?.[1]).to.equal('ready');
    expect(readinessRow(page, uploader.clientId)?.[1]).to.equal('stale');

    const confirm = await browser.request(`${server.url}/dashboard/signing-keys/rotate`);
    expect(confirm.body).to.include('Not known to trust the next key yet');
    expect(confirm.body).to.include(`<li data-client-id="${uploader.clientId}"><strong>uploader</strong>`);
    expect(confirm.body).to.include(`/samlp/metadata/${uploader.clientId}`);
    expect(confirm.body, 'strict mode offers to force').to.include('name="force"');

    const refused = await browser.follow(`${server.url}/dashboard/signing-keys/rotate`, { form: readForm(confirm.body.slice(confirm.body.indexOf('<main')), confirm.url).fields });
    expect(refused.body).to.include('Nothing was changed');

    const row = readinessRow(page, uploader.clientId)![2]!;
    const form = readForm(row, page.url);
    expect(form.action).to.equal(`${server.url}/dashboard/signing-keys/rollover/acknowledge`);
    const after = await browser.follow(form.action, { form: form.fields });
    expect(after.body).to.include(`Confirmed: ${uploader.clientId} has the certificate of the next key`);
    expect(readinessRow(after, uploader.clientId)?.[1]).to.equal('acknowledged');
    expect(after.body).to.match(/<strong>2 of 2<\/strong> applications already trust the next key/);
    const logs = await server.services.store.queryAudit({ limit: 5 });
    expect(logs.find((entry) => entry.event === 'rollover_acknowledged')?.actor.type).to.equal('user');
  });

  it('offers the certificate delivery field when creating an application', async () => {
    const form = await browser.request(`${server.url}/dashboard/applications/new-wsfed`);
    expect(form.body).to.include('name="certificateDelivery"');
    const fields = readForm(form.body.slice(form.body.indexOf('<main')), form.url).fields;
    const created = await browser.follow(`${server.url}/dashboard/applications/new-wsfed`, {
      form: { ...fields, name: 'Manual RP', realm: 'urn:manual', callback: 'https://rp.example.com/wsfed', tokenFormat: 'saml11', certificateDelivery: 'manual' },
    });
    expect(created.status).to.equal(200);
    const app = (await server.services.clients.list()).find((candidate) => candidate.name === 'Manual RP');
    expect(app?.addons.wsfed?.certificateDelivery).to.equal('manual');
  });
});
