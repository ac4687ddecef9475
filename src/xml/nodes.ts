// Typed XML nodes: what every document fedmeta signs or publishes is built as, by pure functions;
// xml/canonical.ts writes them in exclusive canonical form.
import { sortAttributes } from './c14n-text.js';

/** An attribute; `ns` only for a prefixed name such as xsi:type (unprefixed attributes have no namespace). */
export interface XmlAttribute {
  name: string;
  value: string;
  ns?: string | undefined;
}

export interface XmlElement {
  /** The qualified name, e.g. 'saml:Assertion' ('Assertion' for the default namespace). */
  name: string;
  /** The element's namespace URI ('' for none). */
  ns: string;
  /**
   * Declarations (prefix → URI) no name on this element uses, e.g. xs for xsi:type="xs:string".
   * Exclusive c14n renders them only for InclusiveNamespaces prefixes; the others are rendered where used.
   */
  declarations?: Readonly<Record<string, string>> | undefined;
  attributes: readonly XmlAttribute[];
  children: readonly XmlNode[];
}

/**
 * Bytes that are already a self-contained canonical element, emitted verbatim: only a document
 * signDocument returned (a signed token inside an unsigned RSTR), so its signed bytes travel unchanged.
 */
export interface CanonicalXml {
  canonical: string;
}

/** A child: an element, character data (any string; escaped on output), or canonical bytes. */
export type XmlNode = XmlElement | CanonicalXml | string;

/**
 * An element with unprefixed attributes (undefined values left out), children and, rarely, declarations.
 * Every element has the same five properties: one object shape for the writer to read (adding one to a
 * spread copy instead cost V8 about 0.75 µs per element and a slow object).
 */
export function element(
  ns: string,
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly XmlNode[] = [],
  declarations?: Readonly<Record<string, string>>,
): XmlElement {
  const list: XmlAttribute[] = [];
  for (const attribute in attributes) {
    const value = attributes[attribute];
    if (value !== undefined) list.push({ name: attribute, value });
  }
  return { name, ns, declarations, attributes: sortAttributes(list, name), children };
}
