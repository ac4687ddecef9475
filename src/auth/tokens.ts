// Management API access tokens: RS256 JWTs signed with the current key and verified against the
// published key set only (so revoking a key ends its tokens). Algorithms, issuer, audience and
// expiry are pinned; nothing in the token header chooses how it is verified.
import { SignJWT, jwtVerify, createLocalJWKSet, errors as joseErrors } from 'jose';
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import type { Ids } from '../ids.js';
import { FedmetaError, insufficientScope, unauthorized } from '../errors.js';
import { API_PREFIX } from '../route-paths.js';

export const tokenIssuer = (config: Config) => `${config.issuer}/`;
/** The Management API's identifier (Auth0's audience form: the API's base URL with a trailing slash). */
export const managementAudience = (config: Config) => `${config.issuer}${API_PREFIX}/`;
const TOKEN_TYPE = 'at+jwt'; // RFC 9068

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export async function issueAccessToken(
  snapshot: KeySetSnapshot,
  config: Config,
  grant: { clientId: string; scopes: string[]; now: Date },
  ids: Pick<Ids, 'tokenId'>,
): Promise<IssuedToken> {
  const iat = Math.floor(grant.now.getTime() / 1000);
  const scope = grant.scopes.join(' ');
  const accessToken = await new SignJWT({ scope, gty: 'client-credentials', azp: grant.clientId, client_id: grant.clientId })
    .setProtectedHeader({ alg: 'RS256', kid: snapshot.signing.kid, typ: TOKEN_TYPE })
    .setIssuer(tokenIssuer(config))
    .setSubject(`${grant.clientId}@clients`)
    .setAudience(managementAudience(config))
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.accessTokenLifetimeSeconds)
    .setJti(ids.tokenId())
    .sign(snapshot.signing.privateKey);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: config.accessTokenLifetimeSeconds, scope };
}

export interface Principal {
  clientId: string;
  scopes: Set<string>;
}

const bearerChallenge = (error?: string, description?: string, scope?: string) =>
  ['Bearer realm="fedmeta"', error && `error="${error}"`, description && `error_description="${description.replace(/["\\]/g, '')}"`, scope && `scope="${scope}"`]
    .filter(Boolean)
    .join(', ');

export function missingToken(): FedmetaError {
  return unauthorized('Missing Authorization: Bearer <token> header', { 'WWW-Authenticate': bearerChallenge() });
}

function invalidToken(description: string): FedmetaError {
  return unauthorized(description, { 'WWW-Authenticate': bearerChallenge('invalid_token', description) });
}

export async function verifyAccessToken(token: string, snapshot: KeySetSnapshot, config: Config, now: Date): Promise<Principal> {
  const keySet = snapshot.once('jwks-verifier', () => createLocalJWKSet({ keys: snapshot.published.map((key) => key.jwk) }));
  try {
    const { payload } = await jwtVerify(token, keySet, {
      algorithms: ['RS256'],
      issuer: tokenIssuer(config),
      audience: managementAudience(config),
      typ: TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: now,
      clockTolerance: 30,
    });
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : payload.sub!;
    const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
    return { clientId, scopes };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw invalidToken(`The access token's "${error.claim}" claim is not accepted`);
    if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
      throw invalidToken('The access token must be signed with RS256');
    }
    if (error instanceof joseErrors.JWKSNoMatchingKey) throw invalidToken('The access token was signed by a key that is not published (revoked or unknown)');
    if (error instanceof joseErrors.JOSEError) throw invalidToken('The access token is malformed or its signature is invalid');
    throw error;
  }
}

export function requireScopes(principal: Principal, required: string[]): void {
  const missing = required.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) {
    throw insufficientScope(`Insufficient scope; expected: ${required.join(' ')}`, {
      'WWW-Authenticate': bearerChallenge('insufficient_scope', `Requires ${required.join(' ')}`, required.join(' ')),
    });
  }
}
