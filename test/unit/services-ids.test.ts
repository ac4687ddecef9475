import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config.js';
import { openServices } from '../../src/services.js';
import { randomIds, type Ids } from '../../src/ids.js';
import { tempDir, testEnv } from '../helpers/server.js';

describe('openServices: identifiers come from the Ids passed in', () => {
  it('pins the ids of applications and users', async () => {
    const dir = tempDir();
    let serial = 0;
    const ids: Ids = { ...randomIds, clientId: () => `client-${(serial += 1)}`, userId: () => `fedmeta|user-${(serial += 1)}` };
    const services = await openServices({ config: loadConfig(testEnv(dir), dir), ids });
    try {
      const actor = { type: 'system' as const, id: 'test' };
      const app = await services.clients.create({ name: 'RP', callbacks: ['https://rp.example.com/acs'], addons: { samlp: { audience: 'urn:rp' } } }, actor);
      expect(app.clientId).to.equal('client-1');
      const user = await services.users.create({ email: 'ann@example.com', password: 'correct horse' }, actor);
      expect(user.userId).to.equal('fedmeta|user-2');
    } finally {
      await services.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('randomIds keeps the formats fedmeta has always issued', () => {
    expect(randomIds.userId()).to.match(/^fedmeta\|[0-9a-f]{24}$/);
    expect(randomIds.clientId()).to.match(/^[A-Za-z0-9]{32}$/);
    expect(randomIds.secret()).to.match(/^[\w-]{43}$/);
    expect(randomIds.pendingLoginId()).to.match(/^[\w-]{32}$/);
    expect(randomIds.samlId()).to.match(/^_[0-9a-f]{40}$/);
    expect(randomIds.tokenId()).to.match(/^[0-9a-f-]{36}$/);
  });
});
