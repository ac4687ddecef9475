// Decoding of SAML protocol messages as they arrive by the HTTP-Redirect and HTTP-POST bindings
// (saml-bindings-2.0-os 3.4 and 3.5), and the HTTP-Redirect query-string signature (3.4.4.1).
// Everything here reads attacker-controlled input: every size is bounded before work is done on it.
import { X509Certificate, constants, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SamlRequestError, XmlError, spCertificateInvalid } from '../errors.js';
import { NS } from '../xml/namespaces.js';
import { verifyXmlSignature } from '../xml/sign.js';

export interface RedirectLimits {
  /** Longest accepted (URL-decoded) base64 value. */
  maxEncodedBytes: number;
  /** Inflation stops, and the message is refused, past this many bytes: a deflate bomb never inflates. */
  maxInflatedBytes: number;
}
export interface PostLimits {
  maxEncodedBytes: number;
}
export const DEFAULT_REDIRECT_LIMITS: RedirectLimits = { maxEncodedBytes: 16 * 1024, maxInflatedBytes: 64 * 1024 };
export const DEFAULT_POST_LIMITS: PostLimits = { maxEncodedBytes: 256 * 1024 };
/** Largest request XML parsed, whichever binding brought it. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** HTTP-Redirect (3.4.4.1): base64 of the raw DEFLATE (RFC 1951) of the XML. */
export function decodeRedirectMessage(value: string, limits: RedirectLimits = DEFAULT_REDIRECT_LIMITS): string {
  const compressed = strictBase64(value, limits.maxEncodedBytes);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(compressed, { maxOutputLength: limits.maxInflatedBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new SamlRequestError('saml_request_too_large', `inflates to more than ${limits.maxInflatedBytes} bytes`);
    }
    throw new SamlRequestError('saml_request_bad_deflate', 'not a raw DEFLATE stream');
  }
  return utf8(inflated);
}

/** HTTP-POST (3.5.4): base64 of the XML, no compression. */
export function decodePostMessage(value: string, limits: PostLimits = DEFAULT_POST_LIMITS): string {
  // Some SPs wrap base64 at 76 columns (RFC 2045); line breaks carry no data.
  return utf8(strictBase64(value.replace(/\r?\n/g, ''), limits.maxEncodedBytes));
}

function strictBase64(value: string, maxLength: number): Buffer {
  if (value.length > maxLength) throw new SamlRequestError('saml_request_too_large', `longer than ${maxLength} characters`);
  // A URL decoder turns an unencoded '+' into a space; base64 has no spaces, so it is read back as '+'.
  const text = value.replace(/ /g, '+');
  const valid = /^[A-Za-z0-9+/]*={0,2}$/.test(text) && (text.includes('=') ? text.length % 4 === 0 : text.length % 4 !== 1);
  if (!valid || text.length === 0) throw new SamlRequestError('saml_request_bad_encoding', 'not base64');
  return Buffer.from(text, 'base64');
}

function utf8(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new SamlRequestError('saml_request_bad_encoding', 'not UTF-8');
  }
}

/** The SigAlg values accepted on HTTP-Redirect, to node:crypto digest names. RSA only. */
export const REDIRECT_SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'sha1',
};

const REDIRECT_PARAMETERS = ['SAMLRequest', 'SAMLResponse', 'RelayState', 'SigAlg', 'Signature'] as const;
type RedirectParameter = (typeof REDIRECT_PARAMETERS)[number];
const MAX_QUERY_LENGTH = 64 * 1024;

export interface RedirectQuery {
  messageParameter: 'SAMLRequest' | 'SAMLResponse';
  /** URL-decoded values, for decodeRedirectMessage and the response. */
  message: string;
  relayState?: string;
  sigAlg?: string;
  signature?: string;
  /** The octets the signature covers, built from the values exactly as received (3.4.4.1). */
  signedContent: string;
}

/**
 * Reads the SAML parameters from a raw query string (without or with its '?'). The HTTP layer reads
 * them from here rather than from a framework's decoded query, so that what it acts on is what was
 * verified. A duplicated SAML parameter is refused: which copy a framework picks is anyone's guess.
 */
export function parseRedirectQuery(rawQueryString: string): RedirectQuery {
  const query = rawQueryString.startsWith('?') ? rawQueryString.slice(1) : rawQueryString;
  if (query.length > MAX_QUERY_LENGTH) throw new SamlRequestError('saml_request_too_large', 'query string too long');
  // Only URL-encoded ASCII has one byte sequence everyone agrees on.
  if (!/^[\x21-\x7e]*$/.test(query)) throw new SamlRequestError('saml_request_bad_encoding', 'non-ASCII query string');
  const raw = new Map<RedirectParameter, string>();
  for (const pair of query.split('&')) {
    const separator = pair.indexOf('=');
    const rawName = separator < 0 ? pair : pair.slice(0, separator);
    const name = formDecode(rawName);
    if (!(REDIRECT_PARAMETERS as readonly string[]).includes(name)) continue;
    if (name !== rawName) throw new SamlRequestError('saml_request_bad_encoding', `${name} spelled with escapes`);
    if (raw.has(name as RedirectParameter)) {
      throw new SamlRequestError('saml_request_duplicate_parameter', `${name} appears more than once`);
    }
    raw.set(name as RedirectParameter, separator < 0 ? '' : pair.slice(separator + 1));
  }
  const request = raw.get('SAMLRequest');
  const response = raw.get('SAMLResponse');
  if ((request === undefined) === (response === undefined)) {
    throw new SamlRequestError('saml_request_missing', 'expected exactly one of SAMLRequest and SAMLResponse');
  }
  const messageParameter = request === undefined ? 'SAMLResponse' : 'SAMLRequest';
  const signedContent = [messageParameter, 'RelayState', 'SigAlg']
    .filter((name) => raw.has(name as RedirectParameter))
    .map((name) => `${name}=${raw.get(name as RedirectParameter)}`)
    .join('&');
  const decoded = (name: RedirectParameter) => {
    const value = raw.get(name);
    return value === undefined ? undefined : formDecode(value);
  };
  return {
    messageParameter,
    message: decoded(messageParameter)!,
    relayState: decoded('RelayState'),
    sigAlg: decoded('SigAlg'),
    signature: decoded('Signature'),
    signedContent,
  };
}

/**
 * Verifies the HTTP-Redirect signature with the SP's certificate only (PEM or base64 DER) and returns
 * the query it covers. bindings 3.4.4.1: over `SAMLRequest=…&RelayState=…&SigAlg=…` with the values as
 * received, never re-encoded (an SP's %2F and another's / are different octets).
 */
export function verifyRedirectSignature(rawQueryString: string, certificate: string, allowSha1 = false): RedirectQuery {
  const query = parseRedirectQuery(rawQueryString);
  if (query.signature === undefined) throw new SamlRequestError('saml_signature_missing', 'no Signature parameter');
  if (query.sigAlg === undefined) throw new SamlRequestError('saml_signature_invalid', 'Signature without SigAlg');
  const digest = REDIRECT_SIGNATURE_ALGORITHMS[query.sigAlg];
  if (!digest) throw new SamlRequestError('saml_signature_algorithm_not_allowed', 'SigAlg is not allowed');
  if (digest === 'sha1' && !allowSha1) throw sha1NotAllowed();
  const publicKey = parseCertificate(certificate).publicKey;
  let valid = false;
  try {
    const signature = strictBase64(query.signature, MAX_QUERY_LENGTH);
    const content = Buffer.from(query.signedContent, 'ascii');
    // SigAlg names RSA: an EC certificate must not turn this into an ECDSA check.
    valid =
      publicKey.asymmetricKeyType === 'rsa' &&
      verify(digest, content, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    // Not base64, or a signature node:crypto cannot even check (e.g. a wrong length): a failed check.
  }
  if (!valid) throw new SamlRequestError('saml_signature_invalid', 'the signature does not verify');
  return query;
}

/**
 * HTTP-POST (3.5.4): the XML-DSig signature enveloped in the message's root element `rootName`,
 * verified with the SP's certificate only. Returns the signed canonical XML, the only bytes to read.
 */
export function verifyPostSignature(xml: string, certificate: string, rootName: string, allowSha1 = false): string {
  try {
    return verifyXmlSignature(xml, [certificateBase64(certificate)], {
      element: [[NS.samlp, rootName]],
      maxBytes: MAX_MESSAGE_BYTES,
      allowSha1,
      sha1Setting: SHA1_SETTING,
    }).signedXml;
  } catch (error) {
    if (error instanceof XmlError && error.code === 'xml_signature_algorithm_not_allowed') throw sha1NotAllowed();
    if (error instanceof XmlError && error.code === 'xml_signature_missing') {
      throw new SamlRequestError('saml_signature_missing', error.message);
    }
    if (error instanceof XmlError && error.code === 'xml_signature_invalid') {
      throw new SamlRequestError('saml_signature_invalid', error.message);
    }
    throw error;
  }
}

const SHA1_SETTING = 'addons.samlp.signatureAlgorithm';

/** SHA-1 (SigAlg, SignatureMethod or DigestMethod) from an application not registered for rsa-sha1. */
function sha1NotAllowed(): SamlRequestError {
  return new SamlRequestError(
    'saml_signature_algorithm_not_allowed',
    `SHA-1 signatures are accepted only from an application whose ${SHA1_SETTING} is rsa-sha1`,
  );
}

/** application/x-www-form-urlencoded decoding of one name or value. */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new SamlRequestError('saml_request_bad_encoding', 'malformed percent-encoding');
  }
}

/** An application's signingCert (PEM or base64 DER) as base64 DER, the form verifyXmlSignature takes. */
export function certificateBase64(certificate: string): string {
  return Buffer.from(parseCertificate(certificate).raw).toString('base64');
}

function parseCertificate(certificate: string): X509Certificate {
  try {
    return new X509Certificate(
      certificate.includes('-----BEGIN') ? certificate : Buffer.from(certificate.replace(/\s+/g, ''), 'base64'),
    );
  } catch {
    // Registration validates certificates; one that does not parse is our fault, not the SP's.
    throw spCertificateInvalid("the application's signing certificate does not parse");
  }
}
