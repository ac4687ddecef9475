// Architecture rules as code (DESIGN.md: "which folder may import which"). Run: npm run lint:arch.
// .ci/run runs it before the tests: a violation fails CI.
/**
 * Protocol builders (saml/, wsfed/) are pure functions from typed inputs to documents. At run time
 * they import only src/xml/, their own folder, the folders in `also` and src/errors.ts (the error
 * classes they throw: practical, since every refusal is a coded FedmetaError). Type-only imports may
 * also name domain types: any src/<folder>/types.ts (Application, KeyRecord, User, ...),
 * src/keys/keyring.ts (SigningKey, the key a document is signed with, until it moves to a types
 * file), src/error-codes.ts (the union of error codes) and src/ids.ts (the injected id generator's
 * interface). npm packages and node: built-ins are not restricted here.
 */
const DOMAIN_TYPES = ['^src/[^/]+/types\\.ts$', '^src/keys/keyring\\.ts$', '^src/error-codes\\.ts$', '^src/ids\\.ts$'];

function protocolBuilderRules(folder, also) {
  const allowed = [`^src/${folder}/`, '^src/xml/', '^src/errors\\.ts$', ...also.map((other) => `^src/${other}/`)];
  return [
    {
      name: `${folder}-imports-xml-and-its-own-folder`,
      severity: 'error',
      comment: `At run time, src/${folder}/ imports only ${allowed.join(', ')}.`,
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: allowed, dependencyTypesNot: ['type-only'] },
    },
    {
      name: `${folder}-type-imports-of-domain-types-only`,
      severity: 'error',
      comment: `Type-only imports into src/${folder}/ may also name domain types (${DOMAIN_TYPES.join(', ')}).`,
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: [...allowed, ...DOMAIN_TYPES], dependencyTypes: ['type-only'] },
    },
  ];
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles: a cycle means two modules are one concern, or a type belongs lower down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'use-cases-and-protocols-without-koa',
      severity: 'error',
      comment:
        'Sign-in use cases (sso/), protocol code (saml/, wsfed/), keys/ and auth/ never see the web framework: ' +
        'no koa, no @koa/*, not even their types (http/ reads the request and renders the outcome).',
      from: { path: '^src/(sso|saml|wsfed|keys|auth)/' },
      to: { path: '^node_modules/(koa|@koa/|@types/koa)' },
    },
    {
      name: 'use-cases-and-protocols-without-http',
      severity: 'error',
      comment: 'sso/, saml/, wsfed/, keys/ and auth/ never import src/http/ (the dependency points the other way).',
      from: { path: '^src/(sso|saml|wsfed|keys|auth)/' },
      to: { path: '^src/http/' },
    },
    {
      name: 'nothing-imports-the-entry-point',
      severity: 'error',
      comment:
        'The start-up module (src/main.ts, the composition root) is the root of the graph: nothing imports it.',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    ...protocolBuilderRules('saml', []),
    // WS-Fed carries SAML 1.1 and 2.0 assertions: wsfed/ builds them with saml/ (never the reverse).
    ...protocolBuilderRules('wsfed', ['saml']),
    {
      name: 'store-below-http-sso-and-cli',
      severity: 'error',
      comment: 'The store adapters implement ports; they never import the surfaces that use them.',
      from: { path: '^src/store/' },
      to: { path: '^src/(http|sso|cli)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^dist/' },
  },
};
