// The npm SAML IdP libraries the issue compares fedmeta with, each building and signing one SAML 2.0
// Response with a signed assertion for the same user, in process: samlify createLoginResponse,
// samlp getSamlResponse and saml Saml20.create. Each returns its signed XML (the smoke checks it).
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';

const require = createRequire(import.meta.url);

export interface PeerKey {
  privateKeyPem: string;
  certPem: string;
}

export type Peer = [name: string, run: () => Promise<string> | string];

const SP = 'urn:bench:sp';
const ACS = 'https://sp.example.com/acs';
/** A passport-shaped profile, as samlp's default profile mapper reads it. */
const USER = { id: 'u1', emails: [{ value: 'ann@example.com' }], displayName: 'Ann', name: { givenName: 'Ann', familyName: 'Example' } };

function samlify(key: PeerKey): Peer {
  const lib = require('samlify') as typeof import('samlify');
  lib.setSchemaValidator({ validate: async () => 'skipped: the bench only builds responses' });
  const idp = lib.IdentityProvider({ entityID: 'urn:bench:idp', singleSignOnService: [{ Binding: lib.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/sso' }], singleLogoutService: [{ Binding: lib.Constants.namespace.binding.redirect, Location: 'https://idp.example.com/slo' }], privateKey: key.privateKeyPem, signingCert: key.certPem, isAssertionEncrypted: false });
  const sp = lib.ServiceProvider({ entityID: SP, assertionConsumerService: [{ Binding: lib.Constants.namespace.binding.post, Location: ACS }], wantAssertionsSigned: true });
  return [
    'samlify createLoginResponse',
    async () => {
      const { context } = await idp.createLoginResponse(sp, { extract: { request: { id: `_${randomUUID()}` } } }, 'post', { email: USER.emails[0]!.value });
      return Buffer.from(context, 'base64').toString('utf8');
    },
  ];
}

function samlp(key: PeerKey): Peer {
  const lib = require('samlp') as { getSamlResponse(options: object, user: object, callback: (error: Error | null, xml?: string) => void): void };
  const options = { issuer: 'urn:bench:idp', cert: key.certPem, key: key.privateKeyPem, audience: SP, recipient: ACS, destination: ACS, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' };
  return [
    'samlp getSamlResponse',
    () =>
      new Promise<string>((resolve, reject) => {
        lib.getSamlResponse(options, USER, (error, xml) => (error ? reject(error) : resolve(xml!)));
      }),
  ];
}

function saml(key: PeerKey): Peer {
  const lib = require('saml') as { Saml20: { create(options: object): string } };
  const options = {
    cert: Buffer.from(key.certPem),
    key: Buffer.from(key.privateKeyPem),
    issuer: 'urn:bench:idp',
    lifetimeInSeconds: 3600,
    audiences: SP,
    recipient: ACS,
    nameIdentifier: USER.emails[0]!.value,
    attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': USER.emails[0]!.value, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': USER.displayName },
    signatureAlgorithm: 'rsa-sha256',
    digestAlgorithm: 'sha256',
  };
  return ['saml Saml20.create', () => lib.Saml20.create({ ...options, uid: `_${randomUUID()}` })];
}

export function peers(key: PeerKey): Peer[] {
  return [samlify(key), samlp(key), saml(key)];
}
