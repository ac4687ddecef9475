// Management API access tokens: RS256 JWTs signed with the current key and verified against the
// current and previous keys only (never the next key, never a revoked one: revoking a key ends its
// tokens). Algorithms, issuer, audience and expiry are pinned; nothing in the token header chooses
// how it is verified. `iat` may not be in the future and `exp - iat` may not exceed the configured
// lifetime (both with CLOCK_SKEW_SECONDS). Each token carries its client's credential version
// (claim "cv"): the caller checks it against the store, so removing a client or rotating its
// secret ends its tokens at once.
import { jwtVerify, createLocalJWKSet, errors as joseErrors, type JWTPayload } from 'jose';
import type { Config } from '../config.js';
import type { KeySetSnapshot } from '../keys/keyring.js';
import type { XmlSigner } from '../xml/signer.js';
import type { Ids } from '../ids.js';
import { FedmetaError, insufficientScope, unauthorized } from '../errors.js';
import { API_PREFIX } from '../route-paths.js';

export const tokenIssuer = (config: Config) => `${config.issuer}/`;
/** The Management API's identifier (Auth0's audience form: the API's base URL with a trailing slash). */
export const managementAudience = (config: Config) => `${config.issuer}${API_PREFIX}/`;
const TOKEN_TYPE = 'at+jwt'; // RFC 9068
/** Tolerated clock difference between instances, for `iat`, `exp` and the lifetime bound. */
export const CLOCK_SKEW_SECONDS = 60;

export interface IssuedToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export async function issueAccessToken(
  snapshot: KeySetSnapshot,
  config: Config,
  grant: { clientId: string; secretVersion: number; scopes: string[]; now: Date },
  ids: Pick<Ids, 'tokenId'>,
): Promise<IssuedToken> {
  const iat = Math.floor(grant.now.getTime() / 1000);
  const scope = grant.scopes.join(' ');
  const key = snapshot.signing;
  const header = { alg: 'RS256', kid: key.kid, typ: TOKEN_TYPE };
  const payload = {
    scope,
    gty: 'client-credentials',
    azp: grant.clientId,
    client_id: grant.clientId,
    cv: grant.secretVersion,
    iss: tokenIssuer(config),
    sub: `${grant.clientId}@clients`,
    aud: managementAudience(config),
    iat,
    exp: iat + config.accessTokenLifetimeSeconds,
    jti: ids.tokenId(),
  };
  const accessToken = compactJws(header, payload, key);
  return { access_token: accessToken, token_type: 'Bearer', expires_in: config.accessTokenLifetimeSeconds, scope };
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * RFC 7515 compact serialization, RS256: the signing input is signed by the key's signer (in process
 * or in the PKCS#11 token), the one signing path XML documents use too.
 */
function compactJws(header: object, payload: object, signer: Pick<XmlSigner, 'sign'>): string {
  const signingInput = `${base64url(header)}.${base64url(payload)}`;
  return `${signingInput}.${signer.sign(Buffer.from(signingInput, 'ascii'), 'rsa-sha256').toString('base64url')}`;
}

export interface Principal {
  clientId: string;
  scopes: Set<string>;
  /** The client's credential version when the token was issued (claim "cv"). */
  secretVersion: number;
}

const bearerChallenge = (error?: string, description?: string, scope?: string) =>
  ['Bearer realm="fedmeta"', error && `error="${error}"`, description && `error_description="${description.replace(/["\\]/g, '')}"`, scope && `scope="${scope}"`]
    .filter(Boolean)
    .join(', ');

export function missingToken(): FedmetaError {
  return unauthorized('Missing Authorization: Bearer <token> header', { 'WWW-Authenticate': bearerChallenge() });
}

export function invalidToken(description: string): FedmetaError {
  return unauthorized(description, { 'WWW-Authenticate': bearerChallenge('invalid_token', description) });
}

/** The keys an access token may be signed with: the current and previous keys (never next, never revoked). */
const verifierKeys = (snapshot: KeySetSnapshot) =>
  snapshot.once('access-token-verifier', () =>
    createLocalJWKSet({
      keys: snapshot.keys
        .filter((key) => key.state === 'current' || key.state === 'previous')
        .flatMap((key) => snapshot.byKid.get(key.kid)?.jwk ?? []),
    }),
  );

export async function verifyAccessToken(token: string, snapshot: KeySetSnapshot, config: Config, now: Date): Promise<Principal> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, verifierKeys(snapshot), {
      algorithms: ['RS256'],
      issuer: tokenIssuer(config),
      audience: managementAudience(config),
      typ: TOKEN_TYPE,
      requiredClaims: ['exp', 'iat', 'sub'],
      currentDate: now,
      clockTolerance: CLOCK_SKEW_SECONDS,
    }));
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw invalidToken('The access token has expired');
    if (error instanceof joseErrors.JWTClaimValidationFailed) throw invalidToken(`The access token's "${error.claim}" claim is not accepted`);
    if (error instanceof joseErrors.JOSEAlgNotAllowed || error instanceof joseErrors.JOSENotSupported) {
      throw invalidToken('The access token must be signed with RS256');
    }
    if (error instanceof joseErrors.JWKSNoMatchingKey) throw invalidToken('The access token was not signed by the current or a previous key');
    if (error instanceof joseErrors.JOSEError) throw invalidToken('The access token is malformed or its signature is invalid');
    throw error;
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const { iat, exp } = payload as { iat: number; exp: number };
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS) throw invalidToken('The access token was issued in the future');
  if (exp - iat > config.accessTokenLifetimeSeconds + CLOCK_SKEW_SECONDS) throw invalidToken('The access token lives longer than allowed');
  const cv = payload.cv;
  if (typeof cv !== 'number' || !Number.isSafeInteger(cv) || cv < 1) throw invalidToken('The access token has no credential version');
  const clientId = typeof payload.client_id === 'string' ? payload.client_id : payload.sub!;
  const scopes = new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []);
  return { clientId, scopes, secretVersion: cv };
}

export function requireScopes(principal: Principal, required: string[]): void {
  const missing = required.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) {
    throw insufficientScope(`Insufficient scope; expected: ${required.join(' ')}`, {
      'WWW-Authenticate': bearerChallenge('insufficient_scope', `Requires ${required.join(' ')}`, required.join(' ')),
    });
  }
}
