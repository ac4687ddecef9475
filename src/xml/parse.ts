// Parsing of XML that arrives from outside (AuthnRequests, LogoutRequests, SP metadata). Anything
// a SAML or WS-Fed message never needs and an attacker would use is refused before or after parsing:
// DTDs and entities (billion laughs, XXE), processing instructions, content outside the one root.
import { DOMParser } from '@xmldom/xmldom';
import { XmlError } from '../errors.js';

export interface ParseOptions {
  /** Largest accepted input, in UTF-8 bytes. */
  maxBytes: number;
}

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
  const firstMarkup = body.indexOf('<');
  if (!XML_WHITESPACE.test(firstMarkup < 0 ? body : body.slice(0, firstMarkup))) {
    // xmldom silently drops text before the root element, so it is checked on the raw text.
    throw new XmlError('xml_content_outside_root', 'text before the root element');
  }

  const doc = parseStrictly(body);
  checkDocumentChildren(doc, body);
  checkTree(rootElement(doc));
  return doc;
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
    throw new XmlError(code, `malformed XML: ${(problem ?? 'no document').split('\n')[0]}`);
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
