// Root hooks for the pass of `npm test` that runs the server-level suites on PostgreSQL
// (FEDMETA_TEST_DATABASE=postgres): without a reachable PostgreSQL the whole pass is skipped on a
// developer machine, and fails where optional services are required (CI sets FEDMETA_REQUIRE_OPTIONAL).
import { requirePostgres, testBackend } from './postgres.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    if (testBackend() === 'postgres') await requirePostgres(this);
  },
};
