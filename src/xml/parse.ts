// Parsing of XML that arrives from outside (AuthnRequests, LogoutRequests, SP metadata). Anything
// a SAML or WS-Fed message never needs and an attacker would use is refused before or after parsing:
// DTDs and entities (billion laughs, XXE), processing instructions, content outside the one root.
import { DOMParser } from '@xmldom/xmldom';
import { XmlError } from '../errors.js';

export interface ParseOptions {
  /** Largest accepted input, in UTF-8 bytes. */
  maxBytes: number;
  /** Deepest accepted element nesting (the root is depth 1); DEFAULT_MAX_DEPTH unless told. */
  maxDepth?: number;
  /** Most elements accepted in the document; DEFAULT_MAX_ELEMENTS unless told. */
  maxElements?: number;
}

/** SAML and WS-Fed messages nest a dozen levels at most; 64 leaves room for any extension. */
export const DEFAULT_MAX_DEPTH = 64;
/** A SAML request holds a handful of elements; 10,000 is far beyond any real one. */
export const DEFAULT_MAX_ELEMENTS = 10_000;

// DOM node types (the DOM's Node constants are not globals in Node.js).
const ELEMENT = 1;
const TEXT = 3;
const CDATA = 4;
const PROCESSING_INSTRUCTION = 7;
const COMMENT = 8;
const DOCUMENT_TYPE = 10;

/** XML 1.0 production [3] S: the only characters allowed around the root element besides markup. */
const XML_WHITESPACE = /^[ \t\r\n]*$/;

export function parseUntrustedXml(text: string, options: ParseOptions): Document {
  if (text.length > options.maxBytes || Buffer.byteLength(text, 'utf8') > options.maxBytes) {
    throw new XmlError('xml_too_large', `XML larger than ${options.maxBytes} bytes`);
  }
  if (/<!DOCTYPE/i.test(text)) throw new XmlError('xml_doctype_forbidden', 'DOCTYPE declarations are not accepted');
  if (/<!ENTITY/i.test(text)) throw new XmlError('xml_entity_forbidden', 'ENTITY declarations are not accepted');
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  // Depth, element count, encoding and text outside the root, before any DOM is built.
  preScan(body, options.maxDepth ?? DEFAULT_MAX_DEPTH, options.maxElements ?? DEFAULT_MAX_ELEMENTS);

  const doc = parseStrictly(body);
  checkDocumentChildren(doc, body);
  checkTree(rootElement(doc));
  return doc;
}

/**
 * One linear pass over the text, without recursion and without building anything: xmldom and
 * xml-crypto recurse over the tree, so a 20,000-deep document would block the event loop and then
 * overflow the stack. Counts start tags (skipping comments, CDATA sections, processing instructions
 * and quoted attribute values, which may hold '>'), and refuses on the first one over a limit. It
 * also refuses what xmldom would silently drop or misread: character data outside the root element
 * (e.g. between the XML declaration or a comment and the root) and an encoding other than UTF-8.
 * Malformed markup it cannot skip is left to the parser, which refuses it.
 */
const TAG_STOP = /["'>]/g;

function preScan(text: string, maxDepth: number, maxElements: number): void {
  const malformed = () => new XmlError('xml_malformed', 'malformed XML');
  let depth = 0;
  let elements = 0;
  let position = 0;
  const end = (marker: string, from: number): number => {
    const found = text.indexOf(marker, from);
    if (found < 0) throw malformed();
    return found + marker.length;
  };
  while (position < text.length) {
    const open = text.indexOf('<', position);
    const chunkEnd = open < 0 ? text.length : open;
    if (depth === 0 && chunkEnd > position && !XML_WHITESPACE.test(text.slice(position, chunkEnd))) {
      throw new XmlError('xml_content_outside_root', 'text outside the root element');
    }
    if (open < 0) return;
    if (text.startsWith('<!--', open)) {
      position = end('-->', open + 4);
    } else if (text.startsWith('<![CDATA[', open)) {
      position = end(']]>', open + 9);
    } else if (text.startsWith('<?', open)) {
      position = end('?>', open + 2);
      if (open === 0 && /^<\?xml[ \t\r\n]/.test(text)) checkDeclaredEncoding(text.slice(0, position));
    } else if (text.startsWith('<!', open)) {
      position = end('>', open + 2);
    } else if (text.startsWith('</', open)) {
      position = end('>', open + 2);
      depth -= 1;
      if (depth < 0) throw malformed();
    } else {
      // A start or empty-element tag: '>' ends it unless inside a quoted attribute value.
      let cursor = open + 1;
      for (;;) {
        TAG_STOP.lastIndex = cursor;
        const next = TAG_STOP.exec(text);
        if (!next) throw malformed();
        cursor = next.index;
        const char = text[cursor]!;
        if (char === '>') break;
        cursor = end(char, cursor + 1);
      }
      elements += 1;
      if (elements > maxElements) {
        throw new XmlError('xml_too_many_elements', `the document has more than ${maxElements} elements`);
      }
      if (text[cursor - 1] !== '/') {
        depth += 1;
        if (depth > maxDepth) throw new XmlError('xml_too_deep', `elements are nested more than ${maxDepth} deep`);
      } else if (depth + 1 > maxDepth) {
        throw new XmlError('xml_too_deep', `elements are nested more than ${maxDepth} deep`);
      }
      position = cursor + 1;
    }
  }
}

/** Only UTF-8 (the bytes were decoded as UTF-8), by any case, or no encoding declaration at all. */
function checkDeclaredEncoding(declaration: string): void {
  const match = /[ \t\r\n]encoding[ \t\r\n]*=[ \t\r\n]*(?:"([^"]*)"|'([^']*)')/.exec(declaration);
  if (!match) return;
  if ((match[1] ?? match[2])!.toLowerCase() !== 'utf-8') {
    throw new XmlError('xml_encoding_unsupported', 'only the UTF-8 encoding is accepted');
  }
}

/** xmldom reports problems to a handler and carries on; here the first problem ends the parse. */
function parseStrictly(text: string): Document {
  let problem: string | undefined;
  const fail = (message: unknown): never => {
    problem ??= String(message);
    throw new XmlError('xml_malformed', problem);
  };
  let doc: Document | undefined;
  try {
    doc = new DOMParser({ errorHandler: { warning: fail, error: fail, fatalError: fail } }).parseFromString(
      text,
      'text/xml',
    );
  } catch (error) {
    problem ??= (error as Error).message;
  }
  if (problem !== undefined || !doc) {
    // xmldom refuses a second root element with a DOM hierarchy error, reported as a parse error.
    const code = /Only one element can be added/.test(problem ?? '') ? 'xml_multiple_roots' : 'xml_malformed';
    // The parser's own words stay in the server log: the caller gets a stable code and a short sentence.
    console.error(`fedmeta: XML refused (${code}): ${(problem ?? 'no document').split('\n')[0]!.slice(0, 300)}`);
    throw new XmlError(code, code === 'xml_multiple_roots' ? 'more than one root element' : 'malformed XML');
  }
  return doc;
}

function checkDocumentChildren(doc: Document, text: string): void {
  let elements = 0;
  const children = Array.from(doc.childNodes);
  children.forEach((node, index) => {
    switch (node.nodeType) {
      case ELEMENT:
        elements += 1;
        if (elements > 1) throw new XmlError('xml_multiple_roots', 'more than one root element');
        return;
      case PROCESSING_INSTRUCTION:
        // The XML declaration is parsed as a PI; it is only allowed as the very first thing (XML 1.0 section 2.8).
        if (index === 0 && node.nodeName === 'xml' && text.startsWith('<?xml')) return;
        throw new XmlError('xml_pi_forbidden', 'processing instructions are not accepted');
      case TEXT:
      case CDATA:
        if (node.nodeType === TEXT && XML_WHITESPACE.test(node.nodeValue ?? '')) return;
        throw new XmlError('xml_content_outside_root', 'text outside the root element');
      case COMMENT:
        return;
      case DOCUMENT_TYPE:
        throw new XmlError('xml_doctype_forbidden', 'DOCTYPE declarations are not accepted');
      default:
        throw new XmlError('xml_malformed', `unexpected ${node.nodeName} outside the root element`);
    }
  });
  if (elements === 0) throw new XmlError('xml_malformed', 'no root element');
}

/** Processing instructions anywhere, and prefixes bound to no namespace (xmldom lets those through). */
function checkTree(root: Element): void {
  const stack: Node[] = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.nodeType === PROCESSING_INSTRUCTION) {
      throw new XmlError('xml_pi_forbidden', 'processing instructions are not accepted');
    }
    if (node.nodeType !== ELEMENT) continue;
    const element = node as Element;
    if (element.prefix && !element.namespaceURI) {
      throw new XmlError('xml_malformed', `unbound namespace prefix ${element.prefix}`);
    }
    for (const attribute of Array.from(element.attributes)) {
      if (attribute.prefix && attribute.prefix !== 'xmlns' && !attribute.namespaceURI) {
        throw new XmlError('xml_malformed', `unbound namespace prefix ${attribute.prefix}`);
      }
    }
    for (const child of Array.from(element.childNodes)) stack.push(child);
  }
}

/**
 * xs:boolean (XML Schema part 2, 3.2.2): whitespace collapsed, then 'true' or '1', 'false' or '0'.
 * Anything else is undefined, for the caller to refuse naming the attribute. The one reading of
 * every boolean attribute of untrusted XML (ForceAuthn, IsPassive, AuthnRequestsSigned, isDefault…).
 */
export function parseXsBoolean(value: string): boolean | undefined {
  const collapsed = value.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
  if (collapsed === 'true' || collapsed === '1') return true;
  if (collapsed === 'false' || collapsed === '0') return false;
  return undefined;
}

export function rootElement(doc: Document): Element {
  const root = doc.documentElement;
  if (!root) throw new XmlError('xml_malformed', 'no root element');
  return root;
}

/** The root element, if it is `localName` in `namespace`; anything else is the wrong message. */
export function expectRoot(doc: Document, namespace: string, localName: string): Element {
  const root = rootElement(doc);
  if (root.namespaceURI !== namespace || root.localName !== localName) {
    throw new XmlError(
      'xml_unexpected_root',
      `expected {${namespace}}${localName}, got {${root.namespaceURI ?? ''}}${root.localName}`,
    );
  }
  return root;
}

/** The child elements of `parent` named `localName` in `namespace` (direct children only). */
export function childElements(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.childNodes).filter(
    (node): node is Element =>
      node.nodeType === ELEMENT && (node as Element).namespaceURI === namespace && (node as Element).localName === localName,
  );
}
