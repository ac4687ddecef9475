// Typed XML nodes and their exclusive canonical form (Exclusive XML Canonicalization 1.0 over the
// C14N 1.0 serialization rules). Everything fedmeta signs is built as these nodes and written only
// here, so the bytes it emits are the bytes it digests: no parse, no second serialization.

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

/** An element with unprefixed attributes (undefined values left out) and children. */
export function element(
  ns: string,
  name: string,
  attributes: Readonly<Record<string, string | undefined>> = {},
  children: readonly XmlNode[] = [],
): XmlElement {
  const list: XmlAttribute[] = [];
  for (const [attribute, value] of Object.entries(attributes)) if (value !== undefined) list.push({ name: attribute, value });
  return { name, ns, attributes: list, children };
}

export interface CanonicalOptions {
  /** The InclusiveNamespaces PrefixList ('#default' for the default namespace). */
  inclusivePrefixes?: readonly string[] | undefined;
  /** Declarations in scope from the element's ancestors (only inclusive prefixes can use them). */
  inScope?: ReadonlyMap<string, string> | undefined;
}

/** The exclusive canonical form of `root` as the apex of a document subset (no output ancestors). */
export function canonicalize(root: XmlElement, options: CanonicalOptions = {}): string {
  const inclusive = new Set((options.inclusivePrefixes ?? []).map((p) => (p === '#default' ? '' : p)));
  return write(root, { rendered: new Map(), inScope: options.inScope ?? new Map(), inclusive });
}

interface Context {
  /** prefix → URI declared by output ancestors. */
  rendered: ReadonlyMap<string, string>;
  /** prefix → URI in scope, for the inclusive prefixes only. */
  inScope: ReadonlyMap<string, string>;
  inclusive: ReadonlySet<string>;
}

function write(node: XmlElement, context: Context): string {
  const inScope = scopeOf(node, context);
  const { declarations, rendered } = namespacesToRender(node, context, inScope);
  let out = `<${node.name}`;
  for (const [prefix, uri] of declarations) out += ` ${prefix === '' ? 'xmlns' : `xmlns:${prefix}`}="${escapeAttribute(uri)}"`;
  for (const attribute of sortedAttributes(node)) out += ` ${attribute.name}="${escapeAttribute(attribute.value)}"`;
  out += '>';
  const child: Context = { rendered, inScope, inclusive: context.inclusive };
  for (const item of node.children) {
    out += typeof item === 'string' ? escapeText(item) : 'canonical' in item ? item.canonical : write(item, child);
  }
  return `${out}</${node.name}>`;
}

function prefixOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? '' : qualifiedName.slice(0, colon);
}

/** Bindings this element adds for inclusive prefixes (declared, or implied by a name that uses them). */
function scopeOf(node: XmlElement, context: Context): ReadonlyMap<string, string> {
  if (context.inclusive.size === 0) return context.inScope;
  let scope: Map<string, string> | undefined;
  const bind = (prefix: string, uri: string) => {
    if (!context.inclusive.has(prefix) || (scope ?? context.inScope).get(prefix) === uri) return;
    scope ??= new Map(context.inScope);
    scope.set(prefix, uri);
  };
  for (const [prefix, uri] of Object.entries(node.declarations ?? {})) bind(prefix, uri);
  bind(prefixOf(node.name), node.ns);
  for (const attribute of node.attributes) if (attribute.ns) bind(prefixOf(attribute.name), attribute.ns);
  return scope ?? context.inScope;
}

/**
 * Exc-c14n section 3: a namespace node is rendered where it is visibly utilized (by the element's
 * or an attribute's prefix) or its prefix is an inclusive one in scope, unless an output ancestor
 * already rendered the same binding; sorted by prefix, the default namespace ('') first.
 */
function namespacesToRender(node: XmlElement, context: Context, inScope: ReadonlyMap<string, string>) {
  const needed = new Map<string, string>([[prefixOf(node.name), node.ns]]);
  for (const attribute of node.attributes) {
    const prefix = prefixOf(attribute.name);
    if (prefix !== '' && prefix !== 'xml') needed.set(prefix, requireNamespace(attribute));
  }
  for (const prefix of context.inclusive) {
    const uri = inScope.get(prefix);
    if (uri !== undefined && !needed.has(prefix)) needed.set(prefix, uri);
  }
  const declarations: Array<[string, string]> = [];
  for (const [prefix, uri] of needed) {
    if (prefix !== '' && uri === '') throw new Error(`prefix ${prefix} is bound to no namespace`);
    // No default namespace is the same as xmlns="": that is rendered only to undo a rendered default.
    if ((context.rendered.get(prefix) ?? '') === uri) continue;
    declarations.push([prefix, uri]);
  }
  if (declarations.length === 0) return { declarations, rendered: context.rendered };
  declarations.sort(([a], [b]) => compareCodePoints(a, b));
  const rendered = new Map(context.rendered);
  for (const [prefix, uri] of declarations) rendered.set(prefix, uri);
  return { declarations, rendered };
}

function requireNamespace(attribute: XmlAttribute): string {
  if (!attribute.ns) throw new Error(`attribute ${attribute.name} has a prefix but no namespace`);
  return attribute.ns;
}

/** C14N 1.0 section 2.2: by namespace URI, then local name; unqualified attributes (no URI) first. */
function sortedAttributes(node: XmlElement): readonly XmlAttribute[] {
  if (node.attributes.length < 2) return node.attributes;
  const keyed = node.attributes.map((attribute) => ({
    attribute,
    ns: attribute.ns ?? '',
    local: attribute.name.slice(attribute.name.indexOf(':') + 1),
  }));
  keyed.sort((a, b) => compareCodePoints(a.ns, b.ns) || compareCodePoints(a.local, b.local));
  for (let i = 1; i < keyed.length; i++) {
    if (keyed[i]!.ns === keyed[i - 1]!.ns && keyed[i]!.local === keyed[i - 1]!.local) {
      throw new Error(`attribute ${keyed[i]!.attribute.name} appears twice on ${node.name}`);
    }
  }
  return keyed.map((entry) => entry.attribute);
}

/** Lexicographic by Unicode code point, which UTF-16 code unit order is not above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  for (let i = 0; ; ) {
    const x = a.codePointAt(i);
    const y = b.codePointAt(i);
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
}

// Characters XML 1.0 (section 2.2, Char) cannot carry, lone surrogates included: no character
// reference can carry them either, so the writer refuses them instead of emitting a document no
// verifier can parse. Builders that must accept such values clean them up before they get here.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function checkCharacters(value: string): void {
  const bad = NOT_XML_CHAR.exec(value);
  if (bad) throw new Error(`U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} cannot be carried by XML 1.0`);
}

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

/** C14N 1.0 section 2.3 (text nodes). */
export function escapeText(value: string): string {
  checkCharacters(value);
  return /[&<>\r]/.test(value) ? value.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!) : value;
}

/** C14N 1.0 section 2.3 (attribute nodes). */
export function escapeAttribute(value: string): string {
  checkCharacters(value);
  return /[&<"\t\n\r]/.test(value) ? value.replace(/[&<"\t\n\r]/g, (c) => ATTRIBUTE_ESCAPES[c]!) : value;
}
