// A real SAML service provider for interop tests: @node-saml/node-saml behind a tiny HTTP server,
// configured only from fedmeta's metadata URL (certificates and endpoints), like a production SP.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DOMParser } from '@xmldom/xmldom';
import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import { getVerifiedXml } from '@node-saml/node-saml/lib/xml.js';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export interface IdpInfo {
  certs: string[];
  ssoUrl: string;
  sloUrl: string;
}

/**
 * Like a production SP's metadata signature filter (Shibboleth SP, pysaml2): with a pinned
 * metadata-signing certificate, only metadata whose enveloped signature it verifies is read, and
 * only the signed bytes. Throws when it does not verify.
 */
function pinnedMetadata(xml: string, metadataSignerPem: string): string {
  const root = new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
  const signed = getVerifiedXml(xml, root as unknown as Parameters<typeof getVerifiedXml>[1], [metadataSignerPem]);
  if (!signed) throw new Error('the IdP metadata signature does not verify with the pinned metadata-signing certificate');
  return signed;
}

export async function readIdpMetadata(metadataUrl: string, metadataSignerPem?: string): Promise<IdpInfo> {
  const fetched = await (await fetch(metadataUrl)).text();
  const xml = metadataSignerPem ? pinnedMetadata(fetched, metadataSignerPem) : fetched;
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const certs = Array.from(doc.getElementsByTagNameNS(MD, 'KeyDescriptor'))
    .filter((descriptor) => (descriptor.getAttribute('use') ?? 'signing') === 'signing')
    .map((descriptor) => descriptor.getElementsByTagNameNS(DS, 'X509Certificate')[0]!.textContent!.trim());
  const location = (name: string) =>
    Array.from(doc.getElementsByTagNameNS(MD, name)).find((e) => e.getAttribute('Binding') === REDIRECT)!.getAttribute('Location')!;
  return { certs, ssoUrl: location('SingleSignOnService'), sloUrl: location('SingleLogoutService') };
}

export interface SpResult {
  status: number;
  profile?: Profile | null;
  loggedOut?: boolean;
  relayState?: string;
  error?: string;
}

export interface TestSp {
  url: string;
  entityId: string;
  acsUrl: string;
  sloUrl: string;
  saml: SAML;
  /** Re-read the IdP metadata, as an SP that refreshes its metadata URL does. */
  refreshMetadata(): Promise<IdpInfo>;
  /** Where the SP sends the browser to sign in (an HTTP-Redirect AuthnRequest). */
  loginUrl(relayState?: string): Promise<string>;
  logoutUrl(profile: Profile, relayState?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startNodeSamlSp(options: {
  metadataUrl: string;
  entityId?: string;
  validateInResponseTo?: ValidateInResponseTo;
  wantAuthnResponseSigned?: boolean;
  privateKey?: string;
  signatureAlgorithm?: 'sha1' | 'sha256';
  /** Pin the IdP's metadata-signing certificate (PEM): unsigned or otherwise signed metadata is refused. */
  metadataSignerPem?: string;
}): Promise<TestSp> {
  let idp = await readIdpMetadata(options.metadataUrl, options.metadataSignerPem);
  let saml: SAML | undefined;
  const server: Server = createServer((req, res) => {
    const answer = (result: SpResult) => {
      res.writeHead(result.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result));
    };
    const url = new URL(req.url!, `http://${req.headers.host}`);
    if (req.method === 'POST' && url.pathname === '/acs') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        saml!
          .validatePostResponseAsync(form)
          .then(({ profile, loggedOut }) => answer({ status: 200, profile, loggedOut, ...(form.RelayState ? { relayState: form.RelayState } : {}) }))
          .catch((error: Error) => answer({ status: 403, error: error.message }));
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/slo') {
      const query = Object.fromEntries(url.searchParams);
      saml!
        .validateRedirectAsync(query, url.search.slice(1))
        .then(({ profile, loggedOut }) => answer({ status: 200, profile, loggedOut }))
        .catch((error: Error) => answer({ status: 403, error: error.message }));
      return;
    }
    answer({ status: 404, error: 'not found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entityId = options.entityId ?? `${base}/metadata`;
  saml = new SAML({
    entryPoint: idp.ssoUrl,
    logoutUrl: idp.sloUrl,
    issuer: entityId,
    callbackUrl: `${base}/acs`,
    logoutCallbackUrl: `${base}/slo`,
    audience: entityId,
    // The certificates come from the metadata each time the SP validates, so a refresh takes effect.
    idpCert: (callback) => callback(null, idp.certs),
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: options.wantAuthnResponseSigned ?? false,
    validateInResponseTo: options.validateInResponseTo ?? ValidateInResponseTo.always,
    acceptedClockSkewMs: 5000,
    ...(options.privateKey ? { privateKey: options.privateKey, signatureAlgorithm: options.signatureAlgorithm ?? 'sha256' } : {}),
  });
  return {
    url: base,
    entityId,
    acsUrl: `${base}/acs`,
    sloUrl: `${base}/slo`,
    saml,
    async refreshMetadata() {
      idp = await readIdpMetadata(options.metadataUrl, options.metadataSignerPem);
      return idp;
    },
    loginUrl: (relayState = '') => saml!.getAuthorizeUrlAsync(relayState, undefined, {}),
    logoutUrl: (profile, relayState = '') => saml!.getLogoutUrlAsync(profile, relayState, {}),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
