// POST /oauth/token: the client credentials grant (RFC 6749 section 4.4) for Management API tokens.
// Client authentication by HTTP Basic (section 2.3.1) or by client_id/client_secret in the body.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { accessDenied, invalidClient, invalidRequest, invalidScope, unsupportedGrantType } from '../errors.js';
import { readFields, type BodyFields } from './body.js';
import { verifySecret } from '../auth/passwords.js';
import { issueAccessToken, managementAudience } from '../auth/tokens.js';
import { parseScopes } from '../auth/scopes.js';
import { logType } from '../audit/types.js';

const TOKEN_BODY_LIMIT = 16 * 1024;

function field(fields: BodyFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw invalidRequest(`"${name}" must be a string`);
  return value;
}

/** RFC 6749 2.3.1: HTTP Basic credentials whose two parts are form-urlencoded before Base64. */
function decodeBasic(encoded: string): { clientId: string; clientSecret: string } {
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalidRequest('Malformed HTTP Basic credentials');
  try {
    const formDecode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalidRequest('Malformed HTTP Basic credentials');
  }
}

interface ClientCredentials {
  clientId: string;
  clientSecret: string;
  basic: boolean;
}

function clientCredentials(ctx: Context, fields: BodyFields): ClientCredentials {
  const header = ctx.get('Authorization');
  const bodyId = field(fields, 'client_id');
  const bodySecret = field(fields, 'client_secret');
  if (header) {
    const match = /^Basic ([A-Za-z0-9+/]+=*)$/i.exec(header);
    if (!match) throw invalidRequest('Authorization header must be HTTP Basic');
    if (bodySecret) throw invalidRequest('Use one client authentication method, not both');
    const { clientId, clientSecret } = decodeBasic(match[1]!);
    if (bodyId && bodyId !== clientId) throw invalidRequest('client_id differs from the Basic credentials');
    return { clientId, clientSecret, basic: true };
  }
  if (!bodyId || !bodySecret) throw invalidClient('Client authentication is required (client_id and client_secret, or HTTP Basic)');
  return { clientId: bodyId, clientSecret: bodySecret, basic: false };
}

export function tokenHandler({ config, store, keyring, clock, ids }: AppDeps) {
  return async (ctx: Context) => {
    ctx.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const fields = await readFields(ctx, TOKEN_BODY_LIMIT);
    const grantType = field(fields, 'grant_type');
    if (!grantType) throw invalidRequest('grant_type is required');
    if (grantType !== 'client_credentials') {
      throw unsupportedGrantType(`grant_type "${grantType}" is not supported; use client_credentials`);
    }
    const credentials = clientCredentials(ctx, fields);
    const audience = field(fields, 'audience');
    if (!audience) throw invalidRequest(`audience is required (${managementAudience(config)})`);
    if (audience !== managementAudience(config)) {
      throw accessDenied(`Service not found: ${audience}; the Management API audience is ${managementAudience(config)}`);
    }
    const client = await store.findApiClient(credentials.clientId);
    const now = clock.now();
    if (!(await verifySecret(credentials.clientSecret, client?.secretHash)) || !client) {
      await store.appendAudit(
        { type: logType('token_refused'), description: 'Failed exchange of client credentials for an access token', actor: { type: 'api_client', id: credentials.clientId.slice(0, 128), ip: ctx.ip } },
        now,
      );
      throw invalidClient('Unknown client or wrong client secret', credentials.basic ? { 'WWW-Authenticate': 'Basic realm="fedmeta"' } : {});
    }
    const requested = field(fields, 'scope');
    let scopes = client.scopes;
    if (requested !== undefined) {
      const wanted = parseScopes(requested);
      const denied = wanted.filter((scope) => !client.scopes.includes(scope));
      if (denied.length > 0) throw invalidScope(`Scopes not granted to this client: ${denied.join(' ')}`);
      scopes = wanted;
    }
    const token = await issueAccessToken(keyring.snapshot, config, { clientId: client.clientId, scopes, now }, ids);
    await store.appendAudit(
      {
        type: logType('token_issued'),
        description: 'Issued a Management API access token (client credentials)',
        actor: { type: 'api_client', id: client.clientId, ip: ctx.ip },
        details: { scope: token.scope, kid: keyring.snapshot.signing.kid },
      },
      now,
    );
    ctx.body = token;
  };
}
