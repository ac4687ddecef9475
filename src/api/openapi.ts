// The OpenAPI 3.1 document of the Management API and /oauth/token, assembled from the operations of
// each surface. Every path comes from the route table, so the document names exactly the router's
// paths; the tests validate every answer the test suite receives against it (test/helpers/openapi-*.ts).
import type { Config } from '../config.js';
import { MANAGEMENT_SCOPES } from '../auth/scopes.js';
import { ROUTE_PATHS, urlFor } from '../route-paths.js';
import { SCHEMAS } from './openapi-schemas.js';
import type { ApiOperation } from './openapi-operations.js';
import { SIGNING_KEY_OPERATIONS } from './openapi-keys.js';
import { RESOURCE_OPERATIONS } from './openapi-resources.js';
import { ADMIN_OPERATIONS } from './openapi-admin.js';
import { UNAUTHENTICATED_OPERATIONS } from './openapi-token.js';

export const API_OPERATIONS: readonly ApiOperation[] = [...UNAUTHENTICATED_OPERATIONS, ...SIGNING_KEY_OPERATIONS, ...RESOURCE_OPERATIONS, ...ADMIN_OPERATIONS];

/** A route table path in OpenAPI's template form: /keys/signing/:kid → /keys/signing/{kid}. */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

/** "read:signing_keys" → "Read signing keys". */
const describeScope = (scope: string): string => {
  const [verb = '', resource = ''] = scope.split(':');
  return `${verb.charAt(0).toUpperCase()}${verb.slice(1)} ${resource.replace(/_/g, ' ')}`;
};

function paths(): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const { route, method, operation } of API_OPERATIONS) {
    const path = openApiPath(ROUTE_PATHS[route]);
    result[path] = { ...result[path], [method]: operation };
  }
  return result;
}

export function buildOpenApi(config: Pick<Config, 'issuer'>) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'fedmeta Management API',
      version: '2',
      description: "Auth0-shaped Management API for fedmeta's signing keys, applications, users, audit log, log streams and API clients.",
    },
    servers: [{ url: config.issuer }],
    paths: paths(),
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        managementApi: {
          type: 'oauth2',
          description: 'Authorization: Bearer <access token from POST /oauth/token>; each operation names the scopes it needs.',
          flows: {
            clientCredentials: {
              tokenUrl: urlFor(config, 'oauth-token'),
              scopes: Object.fromEntries(MANAGEMENT_SCOPES.map((scope) => [scope, describeScope(scope)])),
            },
          },
        },
        clientSecretBasic: { type: 'http', scheme: 'basic', description: 'RFC 6749 section 2.3.1 client authentication at /oauth/token' },
      },
    },
  };
}
