// POST /oauth/token: the client credentials grant (RFC 6749 section 4.4) for Management API tokens.
// Client authentication by HTTP Basic (section 2.3.1) or by client_id/client_secret in the body.
// Failed client authentication is throttled per client_id and address, and per address (shared token
// buckets: a token is taken before the secret is checked and given back on success; as with the sign-in
// throttle, failures from one address never lock a client out at another), and at most
// SECRET_CHECKS scrypt verifications run at once with SECRET_QUEUE waiting; beyond that the
// request is refused at once (503 temporarily_unavailable), so a flood cannot starve valid clients.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import { accessDenied, invalidClient, invalidRequest, invalidScope, temporarilyUnavailable, tooManyRequests, unsupportedGrantType } from '../errors.js';
import type { Store } from '../store/store.js';
import { noteClientId } from './access-log.js';
import type { ApiClientRecord } from '../auth/api-client-store.js';
import { readFields, type BodyFields } from './body.js';
import { verifySecret } from '../auth/passwords.js';
import { issueAccessToken, managementAudience } from '../auth/tokens.js';
import { parseScopes } from '../auth/scopes.js';
import { rateLimitHeaders, type BucketPolicy } from '../limits/token-bucket.js';
import { Semaphore, SemaphoreFull } from '../limits/semaphore.js';
import { auditBlocked } from '../audit/blocked.js';

const TOKEN_BODY_LIMIT = 16 * 1024;
/** Per client_id and address: 10 attempts at once, then one a minute. Per address: 30, then one every 30 s. */
export const TOKEN_CLIENT_POLICY: BucketPolicy = { burst: 10, perDay: 1440 };
export const TOKEN_IP_POLICY: BucketPolicy = { burst: 30, perDay: 2880 };
/** scrypt verifications in flight per process, and how many may wait for a slot. */
export const SECRET_CHECKS = 4;
export const SECRET_QUEUE = 32;

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

/** The grant's own parameters: grant_type client_credentials and our Management API audience. */
function checkGrant(fields: BodyFields): void {
  const grantType = field(fields, 'grant_type');
  if (!grantType) throw invalidRequest('grant_type is required');
  if (grantType !== 'client_credentials') {
    throw unsupportedGrantType(`grant_type "${grantType}" is not supported; use client_credentials`);
  }
}

function checkAudience(fields: BodyFields, expected: string): void {
  const audience = field(fields, 'audience');
  if (!audience) throw invalidRequest(`audience is required (${expected})`);
  if (audience !== expected) throw accessDenied(`Service not found: ${audience}; the Management API audience is ${expected}`);
}

/** The scopes asked for (all the client's when absent); asking for one not granted is invalid_scope. */
function grantedScopes(fields: BodyFields, client: ApiClientRecord): string[] {
  const requested = field(fields, 'scope');
  if (requested === undefined) return client.scopes;
  const wanted = parseScopes(requested);
  const denied = wanted.filter((scope) => !client.scopes.includes(scope));
  if (denied.length > 0) throw invalidScope(`Scopes not granted to this client: ${denied.join(' ')}`);
  return wanted;
}

/** Client authentication, throttled and bounded as described at the top of this file. */
function clientAuthenticator(store: Store) {
  const secretChecks = new Semaphore(SECRET_CHECKS, SECRET_QUEUE);
  return async (ctx: Context, credentials: ClientCredentials, now: Date): Promise<ApiClientRecord> => {
    // Every attempt takes a token before the secret is checked (no race); a right secret gives them back.
    const buckets = [
      { bucket: `oauth-token:ip:${ctx.ip}`, policy: TOKEN_IP_POLICY },
      { bucket: `oauth-token:client:${credentials.clientId.slice(0, 128)}:ip:${ctx.ip}`, policy: TOKEN_CLIENT_POLICY },
    ];
    for (const bucket of buckets) {
      const decision = await store.takeRateLimit(bucket, now);
      if (!decision.allowed) {
        const actor = { type: 'api_client' as const, id: credentials.clientId.slice(0, 128), ip: ctx.ip };
        await auditBlocked(store, bucket.bucket, { event: 'token_blocked', description: 'Client credential exchanges blocked: too many failures', actor }, now);
        throw tooManyRequests(`Too many failed client authentications; retry in ${decision.retryAfterSeconds} s`, rateLimitHeaders(decision));
      }
    }
    const client = await store.findApiClient(credentials.clientId);
    let valid: boolean;
    try {
      valid = await secretChecks.run(() => verifySecret(credentials.clientSecret.slice(0, 1024), client?.secretHash));
    } catch (error) {
      if (!(error instanceof SemaphoreFull)) throw error;
      for (const bucket of buckets) await store.returnRateLimit(bucket, now); // no secret was checked: it does not count
      throw temporarilyUnavailable('Too many client authentications in progress; retry shortly', { 'Retry-After': '1' });
    }
    if (!valid || !client) {
      await store.appendAudit(
        { event: 'token_refused', description: 'Failed exchange of client credentials for an access token', actor: { type: 'api_client', id: credentials.clientId.slice(0, 128), ip: ctx.ip } },
        now,
      );
      throw invalidClient('Unknown client or wrong client secret', credentials.basic ? { 'WWW-Authenticate': 'Basic realm="fedmeta"' } : {});
    }
    for (const bucket of buckets) await store.returnRateLimit(bucket, now);
    return client;
  };
}

export function tokenHandler({ config, store, keyring, clock, ids, metrics }: AppDeps) {
  const authenticateClient = clientAuthenticator(store);
  return async (ctx: Context) => {
    ctx.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
    const fields = await readFields(ctx, TOKEN_BODY_LIMIT);
    checkGrant(fields);
    const credentials = clientCredentials(ctx, fields);
    noteClientId(ctx, credentials.clientId);
    checkAudience(fields, managementAudience(config));
    const now = clock.now();
    const client = await authenticateClient(ctx, credentials, now);
    const scopes = grantedScopes(fields, client);
    const token = await issueAccessToken(keyring.snapshot, config, { clientId: client.clientId, secretVersion: client.secretVersion, scopes, now }, ids);
    metrics.signed('jwt');
    await store.appendAudit(
      {
        event: 'token_issued',
        description: 'Issued a Management API access token (client credentials)',
        actor: { type: 'api_client', id: client.clientId, ip: ctx.ip },
        details: { scope: token.scope, kid: keyring.snapshot.signing.kid },
      },
      now,
    );
    ctx.body = token;
  };
}
