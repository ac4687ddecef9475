// Produces docs/signing-keys.png, the README's picture of Settings > Signing Keys, from a real
// server and Debian's Chromium: keys in all four states, and which applications already trust the next key.
// Run: node --import tsx test/browser/screenshot.ts
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.js';
import { ADMIN, launchChromium, signIn } from './chromium.js';

const OUTPUT = fileURLToPath(new URL('../../docs/signing-keys.png', import.meta.url));
const SYSTEM = { type: 'system', id: 'screenshot' } as const;

const server = await startTestServer();
const browser = await launchChromium();
try {
  await server.services.users.create({ ...ADMIN, admin: true }, SYSTEM);
  await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
  const [revoked] = (await server.services.keys.list()).filter((key) => key.state === 'previous');
  await server.services.keys.revoke(revoked!.kid, { actor: SYSTEM, rateLimited: false, force: true });
  // Two applications for the readiness card: Payroll read its metadata after the last rotation, Wiki never did.
  await server.services.keys.rotate({ actor: SYSTEM, rateLimited: false });
  const app = (name: string) =>
    server.services.clients.create({ name, callbacks: [`https://${name.toLowerCase()}.example.com/acs`], addons: { samlp: { audience: `https://${name.toLowerCase()}.example.com/saml` } } }, SYSTEM);
  const payroll = await app('Payroll');
  await app('Wiki');
  await fetch(`${server.url}/samlp/metadata/${payroll.clientId}`);
  await server.services.sightings.flush();

  const page = await browser.newPage({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
  await signIn(page, server);
  await page.goto(`${server.url}/dashboard/signing-keys`);
  await page.waitForSelector('.rollover');
  await page.screenshot({ path: OUTPUT, fullPage: true });
  console.log(`wrote ${OUTPUT}`);
} finally {
  await browser.close();
  await server.destroy();
}
