// The signed SAML Response for one sign-in to one application: the pieces from assertion.ts and
// response.ts put together with the application's settings and the current key.
import type { Application, SamlpAddon } from '../clients/types.js';
import type { XmlSigner } from '../xml/signer.js';
import { responseElement, signResponseAsync, signStatusResponse, statusErrorElement } from './response.js';
import type { SamlStatus } from './status.js';
import { nameIdValue } from './assertion.js';
import type { Ids } from '../ids.js';

/** The sign-in session the assertion speaks for (AuthnStatement). */
export interface SignInSession {
  createdAt: Date;
  expiresAt: Date;
}

export interface SsoResponseInput {
  entityId: string;
  app: Application & { addons: { samlp: SamlpAddon } };
  acsUrl: string;
  inResponseTo?: string | undefined;
  /** The user's released profile (users/types.ts profileOf): field name → value. */
  profile: Record<string, string>;
  session: SignInSession;
  key: XmlSigner;
  now: Date;
  ids: Pick<Ids, 'samlId'>;
}

export interface SsoResponse {
  xml: string;
  sessionIndex: string;
  nameId: string;
  nameIdFormat: string;
}

export async function buildSignedSsoResponse(input: SsoResponseInput): Promise<SsoResponse> {
  const samlp = input.app.addons.samlp;
  const { profile } = input;
  const { samlId } = input.ids;
  const transientNameId = samlId();
  const sessionIndex = samlId();
  const nameIdFormat = samlp.nameIdentifierFormat;
  const nameId = nameIdValue(nameIdFormat, { profile, transientNameId });
  const response = responseElement({
    id: samlId(),
    issuer: input.entityId,
    now: input.now,
    destination: input.acsUrl,
    inResponseTo: input.inResponseTo,
    assertion: {
      id: samlId(),
      app: samlp,
      profile,
      transientNameId,
      session: { authnInstant: input.session.createdAt, sessionIndex, notOnOrAfter: input.session.expiresAt },
    },
  });
  const signed = await signResponseAsync(response, {
    key: input.key,
    signResponse: samlp.signResponse,
    signatureAlgorithm: samlp.signatureAlgorithm,
    digestAlgorithm: samlp.digestAlgorithm,
  });
  return { xml: signed, sessionIndex, nameId, nameIdFormat };
}

/** A signed error Response (no assertion) for a registered URL of the application. */
export function buildSignedErrorResponse(input: {
  entityId: string;
  samlp: SamlpAddon;
  destination: string;
  inResponseTo?: string | undefined;
  status: SamlStatus;
  key: XmlSigner;
  now: Date;
  ids: Pick<Ids, 'samlId'>;
}): string {
  const response = statusErrorElement(
    { id: input.ids.samlId(), issuer: input.entityId, now: input.now, destination: input.destination, inResponseTo: input.inResponseTo },
    input.status,
  );
  return signStatusResponse(response, { key: input.key, signatureAlgorithm: input.samlp.signatureAlgorithm, digestAlgorithm: input.samlp.digestAlgorithm });
}
