// Reading values from untrusted SAML request elements: attributes by qualified name, xs:boolean,
// child elements, simple text content (comments refused), NCNames and xs:dateTime.
import { parseXsBoolean } from '../xml/parse.js';
import { SamlRequestError } from '../errors.js';

export function attribute(element: Element, name: string): string | undefined {
  // By qualified name: an unprefixed attribute only, never a namespaced look-alike such as x:ID.
  return element.getAttributeNode(name)?.value ?? undefined;
}

/** xs:boolean (absent is false). */
export function booleanAttribute(element: Element, name: string): boolean {
  const value = attribute(element, name);
  if (value === undefined) return false;
  const parsed = parseXsBoolean(value);
  if (parsed !== undefined) return parsed;
  throw new SamlRequestError('saml_request_invalid_attribute', `${name} is not an xs:boolean`);
}

/** Child elements, all or those with the given name. */
export function childElements(parent: Element, namespace?: string, localName?: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === 1 &&
      (namespace === undefined || ((node as Element).namespaceURI === namespace && (node as Element).localName === localName)),
  );
}

/**
 * Text content of a simple-content element. A comment or element inside is refused rather than skipped:
 * `id<!---->.evil` reads differently to different parsers (the 2018 comment-truncation attacks).
 */
export function textOf(element: Element): string {
  const parts = Array.from(element.childNodes).map((node) => {
    if (node.nodeType !== 3 && node.nodeType !== 4) {
      throw new SamlRequestError('saml_request_unexpected_content', `${element.localName} must hold text only`);
    }
    return node.nodeValue ?? '';
  });
  return parts.join('');
}

// XML 1.0 (5th ed.) NameStartChar and NameChar without ':' (Namespaces in XML, NCName).
const NAME_START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const NC_NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040]*$`, 'u');

export function isNcName(value: string): boolean {
  return NC_NAME.test(value);
}

/**
 * xs:dateTime with a time zone (SAML core 1.3.3 wants UTC, 'Z'; an explicit offset is unambiguous too).
 * Without one the instant is unknown, so it is refused. Out-of-range fields (Feb 30, 25:00) are refused.
 */
export function parseDateTime(value: string): Date | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  // Date.UTC rolls Feb 30 over to March 2, and maps years 0-99 to 19xx: both show in the round trip.
  const roundTrips = local.getUTCFullYear() === year && local.getUTCMonth() === month - 1 && local.getUTCDate() === day;
  if (!roundTrips || hour > 23 || minute > 59 || second > 59) return undefined;
  const [sign, offsetHours, offsetMinutes] = [match[8], Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (offsetHours > 14 || offsetMinutes > 59) return undefined;
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const millis = match[7] ? Math.floor(Number(`0${match[7]}`) * 1000) : 0;
  return new Date(local.getTime() + millis - offset);
}
