// Reading a service provider's SAML metadata (saml-metadata-2.0-os 2.4.4 SPSSODescriptor) into
// the fields of an application: entityID → audience, HTTP-POST ACS URLs → callbacks, the signing
// certificate (required only when the SP says AuthnRequestsSigned="true"), the SLO endpoint.
import { X509Certificate } from 'node:crypto';
import { BINDINGS, NS } from '../xml/namespaces.js';
import { childElements, expectRoot, parseUntrustedXml, parseXsBoolean } from '../xml/parse.js';
import { XmlError, invalidBody, spMetadataError as metadataError } from '../errors.js';
import { parseDateTime } from './request-values.js';

export interface SpMetadata {
  entityId: string;
  /** HTTP-POST AssertionConsumerService locations, the default one first. */
  acsUrls: string[];
  /** base64 DER of the signing certificate, only when the SP signs its AuthnRequests. */
  signingCert?: string;
  sloUrl?: string;
  nameIdFormat?: string;
}

export const SP_METADATA_MAX_BYTES = 512 * 1024;
/** One SP's metadata holds tens of elements; 20,000 leaves room for long certificate and ACS lists. */
export const SP_METADATA_MAX_ELEMENTS = 20_000;

/** An optional xs:boolean attribute (absent: `fallback`); a value that is not one is refused by name. */
function booleanAttribute(element: Element, name: string, fallback: boolean): boolean {
  const value = element.getAttributeNode(name)?.value;
  if (value === undefined) return fallback;
  const parsed = parseXsBoolean(value);
  if (parsed === undefined) {
    throw metadataError('sp_metadata_invalid_boolean', `${element.localName} ${name} must be an xs:boolean (true, false, 1 or 0)`);
  }
  return parsed;
}

/** saml-metadata 2.3.1: metadata past its validUntil must not be used. */
function checkValidUntil(element: Element, now: Date): void {
  const value = element.getAttributeNode('validUntil')?.value;
  if (value === undefined) return;
  const instant = parseDateTime(value.trim());
  if (!instant) throw metadataError('sp_metadata_invalid_date', `${element.localName} validUntil is not an xs:dateTime with a time zone`);
  if (instant.getTime() <= now.getTime()) {
    throw metadataError('sp_metadata_expired', `the metadata expired at its ${element.localName} validUntil (${instant.toISOString()})`);
  }
}

function text(element: Element): string {
  return (element.textContent ?? '').trim();
}

function signingCertificate(sp: Element): string | undefined {
  for (const descriptor of childElements(sp, NS.md, 'KeyDescriptor')) {
    const use = descriptor.getAttribute('use');
    if (use && use !== 'signing') continue;
    for (const keyInfo of childElements(descriptor, NS.ds, 'KeyInfo')) {
      for (const data of childElements(keyInfo, NS.ds, 'X509Data')) {
        const [cert] = childElements(data, NS.ds, 'X509Certificate');
        if (!cert) continue;
        const base64 = text(cert).replace(/\s+/g, '');
        try {
          return new X509Certificate(Buffer.from(base64, 'base64')).raw.toString('base64');
        } catch {
          throw invalidBody('The SP metadata holds a signing certificate that does not parse');
        }
      }
    }
  }
  return undefined;
}

export function parseSpMetadata(xml: string, now: Date = new Date()): SpMetadata {
  const doc = parseUntrustedXml(xml, { maxBytes: SP_METADATA_MAX_BYTES, maxElements: SP_METADATA_MAX_ELEMENTS });
  const root = expectRoot(doc, NS.md, 'EntityDescriptor');
  const entityId = root.getAttribute('entityID')?.trim();
  if (!entityId) throw new XmlError('xml_malformed', 'EntityDescriptor has no entityID');
  checkValidUntil(root, now);
  const descriptors = childElements(root, NS.md, 'SPSSODescriptor');
  const [sp] = descriptors;
  if (!sp) throw invalidBody('The metadata has no SPSSODescriptor: it does not describe a SAML service provider');
  if (descriptors.length > 1) {
    throw metadataError('sp_metadata_multiple_sp_descriptors', 'The metadata has more than one SPSSODescriptor: which one applies is ambiguous');
  }
  checkValidUntil(sp, now);
  if (!(sp.getAttribute('protocolSupportEnumeration') ?? '').split(/\s+/).includes(NS.samlp)) {
    throw invalidBody('The service provider does not support the SAML 2.0 protocol');
  }

  const acs = childElements(sp, NS.md, 'AssertionConsumerService')
    .filter((element) => element.getAttribute('Binding') === BINDINGS.httpPost && element.getAttribute('Location'))
    .map((element) => ({
      location: element.getAttribute('Location')!,
      isDefault: booleanAttribute(element, 'isDefault', false),
      index: Number(element.getAttribute('index') ?? Number.MAX_SAFE_INTEGER),
    }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.index - b.index);
  if (acs.length === 0) throw invalidBody('The service provider has no HTTP-POST AssertionConsumerService (the only binding fedmeta answers with)');

  const slo = childElements(sp, NS.md, 'SingleLogoutService').find((element) =>
    [BINDINGS.httpRedirect, BINDINGS.httpPost].includes(element.getAttribute('Binding') as never),
  );
  const signed = booleanAttribute(sp, 'AuthnRequestsSigned', false);
  booleanAttribute(sp, 'WantAssertionsSigned', false); // always signed; a malformed value is still refused
  const signingCert = signed ? signingCertificate(sp) : undefined;
  if (signed && !signingCert) throw invalidBody('The SP signs its AuthnRequests but its metadata has no signing certificate');
  const [format] = childElements(sp, NS.md, 'NameIDFormat').map(text);

  return {
    entityId,
    acsUrls: [...new Set(acs.map((entry) => entry.location))],
    ...(signingCert ? { signingCert } : {}),
    ...(slo?.getAttribute('Location') ? { sloUrl: slo.getAttribute('Location')! } : {}),
    ...(format ? { nameIdFormat: format } : {}),
  };
}

/** The Management API body of an application made from SP metadata. */
export function applicationFromSpMetadata(metadata: SpMetadata, name?: string, knownFormats: readonly string[] = [], idpInitiated?: boolean) {
  const samlp: Record<string, unknown> = { audience: metadata.entityId };
  if (idpInitiated !== undefined) samlp.idpInitiated = idpInitiated;
  if (metadata.signingCert) samlp.signingCert = metadata.signingCert;
  if (metadata.sloUrl) samlp.logout = { callback: metadata.sloUrl };
  if (metadata.nameIdFormat && knownFormats.includes(metadata.nameIdFormat)) samlp.nameIdentifierFormat = metadata.nameIdFormat;
  let fallbackName = metadata.entityId;
  try {
    fallbackName = new URL(metadata.entityId).host || metadata.entityId;
  } catch {
    // a URN entityID stays as it is
  }
  return { name: (name ?? fallbackName).slice(0, 200), callbacks: metadata.acsUrls, addons: { samlp } };
}
