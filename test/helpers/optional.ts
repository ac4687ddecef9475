// Optional tools and services (xmlsec1, xmllint, openssl, Chromium, PostgreSQL): a test that needs one
// skips on a developer machine without it, printing why, and fails instead where optional tests are
// required (FEDMETA_REQUIRE_OPTIONAL or CI, as .ci/run sets).

export function optionalIsRequired(): boolean {
  return Boolean(process.env.FEDMETA_REQUIRE_OPTIONAL || process.env.CI);
}

/** Skip the calling test or suite because `reason` (a missing tool or service), or fail when skips are forbidden. */
export function skipBecause(context: Mocha.Context, reason: string): never {
  if (optionalIsRequired()) throw new Error(`${reason}; FEDMETA_REQUIRE_OPTIONAL/CI forbids skipping`);
  console.log(`      (skipped: ${reason})`);
  return context.skip();
}
