// The wresult for one sign-in to one WS-Fed application: a SAML 1.1 or 2.0 assertion for its realm,
// signed by the current key through the one signing path, inside a RequestSecurityTokenResponse.
import type { Application, WsfedAddon } from '../clients/types.js';
import type { SignInSession } from '../saml/sso-response.js';
import { signDocument, signDocumentAsync, type SignDocumentOptions, type XmlSigner } from '../xml/signer.js';
import type { XmlElement } from '../xml/nodes.js';
import { NAMEID_FORMATS } from '../xml/namespaces.js';
import { assertionElement, assertionSigning, nameIdValue } from '../saml/assertion.js';
import { addSeconds } from '../saml/ids.js';
import type { Ids } from '../ids.js';
import { WSFED_CLAIM_MAPPINGS, releasedClaims } from './claims.js';
import { saml11AssertionElement, saml11Signing } from './saml11-assertion.js';
import { buildRstr } from './rstr.js';
import { TOKEN_TYPES } from './namespaces.js';

export type WsfedApp = Application & { addons: { wsfed: WsfedAddon } };

export interface SignInInput {
  entityId: string;
  app: WsfedApp;
  /** The registered URL the form posts to (SAML 2.0 SubjectConfirmationData Recipient). */
  wreply: string;
  /** The user's released profile (users/types.ts profileOf): field name → value. */
  profile: Record<string, string>;
  session: SignInSession;
  key: XmlSigner;
  now: Date;
  ids: Pick<Ids, 'samlId'>;
}

export interface SignInResult {
  wresult: string;
  assertionId: string;
  tokenType: string;
}

export function buildSignedWresult(input: SignInInput): SignInResult {
  const token = unsignedToken(input);
  return wrapToken(input, token, signDocument(token.assertion, token.signing));
}

/** buildSignedWresult with the RSA operation off the event loop where the key allows (the sign-in path). */
export async function buildSignedWresultAsync(input: SignInInput): Promise<SignInResult> {
  const token = unsignedToken(input);
  return wrapToken(input, token, await signDocumentAsync(token.assertion, token.signing));
}

interface UnsignedToken {
  assertion: XmlElement;
  signing: SignDocumentOptions;
  assertionId: string;
}

function unsignedToken(input: SignInInput): UnsignedToken {
  const { realm, tokenFormat, lifetimeInSeconds } = input.app.addons.wsfed;
  const { profile } = input;
  const nameIdentifierFormat = NAMEID_FORMATS.unspecified;
  const assertionId = input.ids.samlId();
  if (tokenFormat === 'saml20') {
    const assertion = assertionElement({
      id: assertionId,
      issuer: input.entityId,
      now: input.now,
      app: { audience: realm, mappings: { ...WSFED_CLAIM_MAPPINGS }, nameIdentifierFormat, lifetimeInSeconds },
      acsUrl: input.wreply,
      profile,
      session: { authnInstant: input.session.createdAt, sessionIndex: input.ids.samlId(), notOnOrAfter: input.session.expiresAt },
    });
    return { assertion, assertionId, signing: assertionSigning(assertion, { key: input.key, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' }) };
  }
  const assertion = saml11AssertionElement({
    id: assertionId,
    issuer: input.entityId,
    now: input.now,
    audience: realm,
    lifetimeInSeconds,
    nameIdentifier: nameIdValue(nameIdentifierFormat, { profile }),
    nameIdentifierFormat,
    claims: releasedClaims(profile),
    authenticationInstant: input.session.createdAt,
  });
  return { assertion, assertionId, signing: saml11Signing(assertion, input.key) };
}

function wrapToken(input: SignInInput, token: UnsignedToken, signedToken: string): SignInResult {
  const { realm, tokenFormat, lifetimeInSeconds } = input.app.addons.wsfed;
  const tokenType = TOKEN_TYPES[tokenFormat];
  const wresult = buildRstr({
    signedToken,
    tokenType,
    appliesTo: realm,
    created: input.now,
    expires: addSeconds(input.now, lifetimeInSeconds),
  });
  return { wresult, assertionId: token.assertionId, tokenType };
}
