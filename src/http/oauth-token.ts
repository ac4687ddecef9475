// POST /oauth/token: the client credentials grant (RFC 6749 section 4.4) for Management API tokens.
// Client authentication by HTTP Basic (section 2.3.1) or by client_id/client_secret in the body.
// Failed client authentication is throttled per client_id and per address (shared token buckets:
// a token is taken before the secret is checked and given back on success), and at most
// SECRET_CHECKS scrypt verifications run at once with SECRET_QUEUE waiting; beyond that the
// request is refused at once (503 temporarily_unavailable), so a flood cannot starve valid clients.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { OAuthError } from '../errors.js';
import { readFields, type BodyFields } from './body.js';
import { verifySecret } from '../auth/passwords.js';
import { issueAccessToken, managementAudience } from '../auth/tokens.js';
import { parseScopes } from '../auth/scopes.js';
import { rateLimitHeaders, type BucketPolicy } from '../limits/token-bucket.js';
import { Semaphore, SemaphoreFull } from '../limits/semaphore.js';

const TOKEN_BODY_LIMIT = 16 * 1024;
/** Per client_id: 10 attempts at once, then one a minute. Per address: 30, then one every 30 s. */
export const TOKEN_CLIENT_POLICY: BucketPolicy = { burst: 10, perDay: 1440 };
export const TOKEN_IP_POLICY: BucketPolicy = { burst: 30, perDay: 2880 };
/** scrypt verifications in flight per process, and how many may wait for a slot. */
export const SECRET_CHECKS = 4;
export const SECRET_QUEUE = 32;

function field(fields: BodyFields, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new OAuthError(400, 'invalid_request', `"${name}" must be a string`);
  return value;
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
    if (!match) throw new OAuthError(400, 'invalid_request', 'Authorization header must be HTTP Basic');
    if (bodySecret) throw new OAuthError(400, 'invalid_request', 'Use one client authentication method, not both');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError(400, 'invalid_request', 'Malformed HTTP Basic credentials');
    try {
      // RFC 6749 2.3.1: both parts are form-urlencoded before Base64.
      const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
      if (bodyId && bodyId !== clientId) throw new OAuthError(400, 'invalid_request', 'client_id differs from the Basic credentials');
      return { clientId, clientSecret, basic: true };
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      throw new OAuthError(400, 'invalid_request', 'Malformed HTTP Basic credentials');
    }
  }
  if (!bodyId || !bodySecret) throw new OAuthError(401, 'invalid_client', 'Client authentication is required (client_id and client_secret, or HTTP Basic)');
  return { clientId: bodyId, clientSecret: bodySecret, basic: false };
}

export function tokenHandler({ config, store, keyring, clock }: AppDeps) {
  const secretChecks = new Semaphore(SECRET_CHECKS, SECRET_QUEUE);
  return async (ctx: Context) => {
    ctx.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    let fields: BodyFields;
    try {
      fields = await readFields(ctx, TOKEN_BODY_LIMIT);
    } catch (error) {
      const fedmeta = error as { status?: number; message: string };
      throw new OAuthError(fedmeta.status ?? 400, 'invalid_request', fedmeta.message);
    }
    const grantType = field(fields, 'grant_type');
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', `grant_type "${grantType}" is not supported; use client_credentials`);
    }
    const credentials = clientCredentials(ctx, fields);
    const audience = field(fields, 'audience');
    if (!audience) throw new OAuthError(400, 'invalid_request', `audience is required (${managementAudience(config)})`);
    if (audience !== managementAudience(config)) {
      throw new OAuthError(403, 'access_denied', `Service not found: ${audience}; the Management API audience is ${managementAudience(config)}`);
    }
    const now = clock.now();
    // Every attempt takes a token before the secret is checked (no race); a right secret gives them back.
    const buckets = [
      { bucket: `oauth-token:ip:${ctx.ip}`, policy: TOKEN_IP_POLICY },
      { bucket: `oauth-token:client:${credentials.clientId.slice(0, 128)}`, policy: TOKEN_CLIENT_POLICY },
    ];
    for (const bucket of buckets) {
      const decision = await store.takeRateLimit(bucket, now);
      if (!decision.allowed) {
        throw new OAuthError(429, 'too_many_requests', `Too many failed client authentications; retry in ${decision.retryAfterSeconds} s`, rateLimitHeaders(decision));
      }
    }
    const client = await store.findApiClient(credentials.clientId);
    let valid: boolean;
    try {
      valid = await secretChecks.run(() => verifySecret(credentials.clientSecret.slice(0, 1024), client?.secretHash));
    } catch (error) {
      if (!(error instanceof SemaphoreFull)) throw error;
      for (const bucket of buckets) await store.returnRateLimit(bucket, now); // no secret was checked: it does not count
      throw new OAuthError(503, 'temporarily_unavailable', 'Too many client authentications in progress; retry shortly', { 'Retry-After': '1' });
    }
    if (!valid || !client) {
      await store.appendAudit(
        { type: 'feccft', description: 'Failed exchange of client credentials for an access token', actor: { type: 'api_client', id: credentials.clientId.slice(0, 128), ip: ctx.ip } },
        now,
      );
      throw new OAuthError(401, 'invalid_client', 'Unknown client or wrong client secret', credentials.basic ? { 'WWW-Authenticate': 'Basic realm="fedmeta"' } : {});
    }
    for (const bucket of buckets) await store.returnRateLimit(bucket, now);
    const requested = field(fields, 'scope');
    let scopes = client.scopes;
    if (requested !== undefined) {
      const wanted = parseScopes(requested);
      const denied = wanted.filter((scope) => !client.scopes.includes(scope));
      if (denied.length > 0) throw new OAuthError(400, 'invalid_scope', `Scopes not granted to this client: ${denied.join(' ')}`);
      scopes = wanted;
    }
    const token = await issueAccessToken(keyring.snapshot, config, { clientId: client.clientId, secretVersion: client.secretVersion, scopes, now });
    await store.appendAudit(
      {
        type: 'seccft',
        description: 'Issued a Management API access token (client credentials)',
        actor: { type: 'api_client', id: client.clientId, ip: ctx.ip },
        details: { scope: token.scope, kid: keyring.snapshot.signing.kid },
      },
      now,
    );
    ctx.body = token;
  };
}
