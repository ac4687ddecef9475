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

export interface CanonicalOptions {
  /** The InclusiveNamespaces PrefixList ('#default' for the default namespace). */
  inclusivePrefixes?: readonly string[] | undefined;
  /** Declarations in scope from the element's ancestors (only inclusive prefixes can use them). */
  inScope?: ReadonlyMap<string, string> | undefined;
}

/** The exclusive canonical form of `root` as the apex of a document subset (no output ancestors). */
export function canonicalize(root: XmlElement, options: CanonicalOptions = {}): string {
  return write(root, rootContext(options));
}

/**
 * An element's canonical form in pieces, written once: a signer digests open + children + close, then
 * emits the same pieces with its ds:Signature written among the children (writeChild), instead of
 * writing the element a second time.
 */
export interface CanonicalParts {
  open: string;
  children: readonly string[];
  close: string;
  /** Writes another child of the element, as the element's own children were written. */
  writeChild(node: XmlElement): string;
  /** Every prefix given a declaration anywhere in the parts and in what writeChild wrote ('' for xmlns). */
  renderedPrefixes: ReadonlySet<string>;
  /** The declarations (prefix → URI) the element and its output ancestors render: its children's context. */
  renderedForChildren: ReadonlyMap<string, string>;
}

export function canonicalParts(root: XmlElement, options: CanonicalOptions = {}): CanonicalParts {
  const context = rootContext(options);
  const open = startTag(root, context);
  const child = childContext;
  const children: string[] = [];
  for (const item of root.children) children.push(writeChild(item, child));
  return { open, children, close: `</${root.name}>`, writeChild: (node) => write(node, child), renderedPrefixes: context.renders, renderedForChildren: child.rendered };
}

/**
 * The declarations the output ancestors of the last element in `path` render (the document written
 * from path[0]); a prefix among them that the element's apex form renders too is rendered there in
 * the document, not in the element: then the element's apex bytes are not its bytes in the document.
 */
export function prefixesRenderedAbove(path: readonly XmlElement[], options: CanonicalOptions = {}): Iterable<string> {
  let context = rootContext(options);
  for (let i = 0; i < path.length - 1; i++) {
    namespaceDeclarations(path[i]!, context);
    context = childContext;
  }
  return context.rendered.keys();
}

const NOTHING: ReadonlyMap<string, string> = new Map();
const NO_PREFIXES: readonly string[] = [];
/** The inclusive prefix sets of the PrefixLists in use (a handful of constant arrays). */
const INCLUSIVE_SETS = new WeakMap<readonly string[], ReadonlySet<string>>();

function rootContext(options: CanonicalOptions): Context {
  const prefixes = options.inclusivePrefixes ?? NO_PREFIXES;
  let inclusive = INCLUSIVE_SETS.get(prefixes);
  if (inclusive === undefined) {
    inclusive = new Set(prefixes.map((p) => (p === '#default' ? '' : p)));
    INCLUSIVE_SETS.set(prefixes, inclusive);
  }
  return newContext(NOTHING, options.inScope ?? NOTHING, { inclusive, renders: new Set() });
}

interface Context {
  /** prefix → URI declared by output ancestors. */
  rendered: ReadonlyMap<string, string>;
  /** prefix → URI in scope, for the inclusive prefixes only. */
  inScope: ReadonlyMap<string, string>;
  inclusive: ReadonlySet<string>;
  /** Every prefix declared so far in this write (shared by the whole write). */
  renders: Set<string>;
  /** Every inclusive prefix in scope is rendered with its in-scope namespace. */
  settled: boolean;
}

function write(node: XmlElement, context: Context): string {
  let out = startTag(node, context);
  const child = childContext;
  for (const item of node.children) out += writeChild(item, child);
  return `${out}</${node.name}>`;
}

function writeChild(item: XmlNode, context: Context): string {
  return typeof item === 'string' ? escapeText(item) : 'canonical' in item ? item.canonical : write(item, context);
}

/** The context the children of the element whose start tag was written last are written in (set by startTag). */
let childContext: Context;

/** The element's start tag; leaves the context its children are written in in childContext. */
function startTag(node: XmlElement, context: Context): string {
  return attributesOf(node, `<${node.name}${namespaceDeclarations(node, context)}`);
}

/** The element's namespace declarations (exc-c14n section 3); leaves its children's context in childContext. */
function namespaceDeclarations(node: XmlElement, context: Context): string {
  const prefix = prefixOf(node.name);
  if (rendersNothing(node, prefix, context)) {
    childContext = context;
    return '';
  }
  const inScope = context.inclusive.size === 0 ? context.inScope : scopeOf(node, prefix, context);
  const declarations = namespacesToRender(node, prefix, context, inScope);
  let rendered = context.rendered;
  let out = '';
  if (declarations !== undefined) {
    const next = new Map(rendered);
    for (const [declared, uri] of declarations.length > 1 ? declarations.sort(byPrefix) : declarations) {
      next.set(declared, uri);
      context.renders.add(declared);
      out += ` ${declared === '' ? 'xmlns' : `xmlns:${declared}`}="${escapeAttribute(uri)}"`;
    }
    rendered = next;
  }
  childContext = rendered === context.rendered && inScope === context.inScope ? context : newContext(rendered, inScope, context);
  return out;
}

function attributesOf(node: XmlElement, open: string): string {
  const attributes = node.attributes;
  for (const attribute of attributes.length < 2 ? attributes : sortAttributes(attributes, node.name)) {
    open += ` ${attribute.name}="${escapeAttribute(attribute.value)}"`;
  }
  return `${open}>`;
}

/**
 * Most elements: no declarations of their own, their prefix already rendered with their namespace,
 * only unqualified attributes, every inclusive prefix in scope already rendered. They render no
 * namespace and change no scope (what the full rules below would conclude, found sooner).
 */
function rendersNothing(node: XmlElement, prefix: string, context: Context): boolean {
  if (!context.settled || node.declarations !== undefined || (prefix !== '' && node.ns === '')) return false;
  if ((context.rendered.get(prefix) ?? '') !== node.ns) return false;
  if (context.inclusive.has(prefix) && context.inScope.get(prefix) !== node.ns) return false;
  for (const attribute of node.attributes) if (attribute.ns || attribute.name.includes(':')) return false;
  return true;
}

function newContext(rendered: ReadonlyMap<string, string>, inScope: ReadonlyMap<string, string>, parent: Pick<Context, 'inclusive' | 'renders'>): Context {
  let settled = true;
  for (const prefix of parent.inclusive) {
    const uri = inScope.get(prefix);
    if (uri !== undefined && (rendered.get(prefix) ?? '') !== uri) settled = false;
  }
  return { rendered, inScope, inclusive: parent.inclusive, renders: parent.renders, settled };
}

function prefixOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? '' : qualifiedName.slice(0, colon);
}

function localNameOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
}

/** Bindings this element adds for inclusive prefixes (declared, or implied by a name that uses them). */
function scopeOf(node: XmlElement, prefix: string, context: Context): ReadonlyMap<string, string> {
  let scope: Map<string, string> | undefined;
  const declarations = node.declarations;
  if (declarations) for (const prefix in declarations) scope = bindInclusive(scope, context, prefix, declarations[prefix]!);
  scope = bindInclusive(scope, context, prefix, node.ns);
  for (const attribute of node.attributes) if (attribute.ns) scope = bindInclusive(scope, context, prefixOf(attribute.name), attribute.ns);
  return scope ?? context.inScope;
}

function bindInclusive(scope: Map<string, string> | undefined, context: Context, prefix: string, uri: string): Map<string, string> | undefined {
  if (!context.inclusive.has(prefix) || (scope ?? context.inScope).get(prefix) === uri) return scope;
  const next = scope ?? new Map(context.inScope);
  next.set(prefix, uri);
  return next;
}

type Declaration = [prefix: string, uri: string];

/**
 * Exc-c14n section 3: a namespace node is rendered where it is visibly utilized (by the element's
 * or an attribute's prefix) or its prefix is an inclusive one in scope, unless an output ancestor
 * already rendered the same binding.
 */
function namespacesToRender(node: XmlElement, prefix: string, context: Context, inScope: ReadonlyMap<string, string>): Declaration[] | undefined {
  let declarations = consider(undefined, context, prefix, node.ns);
  for (const attribute of node.attributes) {
    // Unqualified attributes (no namespace, no prefix) use no namespace: most attributes, skipped at once.
    if (!attribute.ns && !attribute.name.includes(':')) continue;
    const attributePrefix = prefixOf(attribute.name);
    if (attributePrefix !== '' && attributePrefix !== 'xml') declarations = consider(declarations, context, attributePrefix, requireNamespace(attribute));
  }
  for (const inclusive of context.inclusive) {
    const uri = inScope.get(inclusive);
    if (uri !== undefined) declarations = consider(declarations, context, inclusive, uri);
  }
  return declarations;
}

/** The declarations with `prefix` added when it must be rendered (allocated only then). */
function consider(declarations: Declaration[] | undefined, context: Context, prefix: string, uri: string): Declaration[] | undefined {
  if (prefix !== '' && uri === '') throw new Error(`prefix ${prefix} is bound to no namespace`);
  // No default namespace is the same as xmlns="": that is rendered only to undo a rendered default.
  if ((context.rendered.get(prefix) ?? '') === uri) return declarations;
  if (declarations === undefined) return [[prefix, uri]];
  for (const [declared] of declarations) if (declared === prefix) return declarations;
  declarations.push([prefix, uri]);
  return declarations;
}

function requireNamespace(attribute: XmlAttribute): string {
  if (!attribute.ns) throw new Error(`attribute ${attribute.name} has a prefix but no namespace`);
  return attribute.ns;
}

/** Namespace declarations by prefix, the default namespace ('') first. */
function byPrefix(a: Declaration, b: Declaration): number {
  return compareCodePoints(a[0], b[0]);
}

/** C14N 1.0 section 2.2: by namespace URI, then local name; unqualified attributes (no URI) first. */
function compareAttributes(a: XmlAttribute, b: XmlAttribute): number {
  // Unqualified attributes (most): the name is the local name.
  if (!a.ns && !b.ns) return compareCodePoints(a.name, b.name);
  return compareCodePoints(a.ns ?? '', b.ns ?? '') || compareCodePoints(localNameOf(a.name), localNameOf(b.name));
}

/** The attributes in canonical order (as given when they already are); a duplicate is refused. */
export function sortAttributes(attributes: readonly XmlAttribute[], elementName: string): readonly XmlAttribute[] {
  let sorted = attributes;
  for (let i = 1; i < sorted.length; i++) {
    const order = compareAttributes(sorted[i - 1]!, sorted[i]!);
    if (order === 0) throw new Error(`attribute ${sorted[i]!.name} appears twice on ${elementName}`);
    if (order > 0 && sorted === attributes) {
      sorted = [...attributes].sort(compareAttributes);
      i = 0;
    }
  }
  return sorted;
}

/** Lexicographic by Unicode code point, which UTF-16 code unit order is not above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  let i = 0;
  while (i < length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === length) return a.length - b.length;
  // At the first difference, codePointAt reads a whole surrogate pair: any astral character sorts after U+FFFF.
  return a.codePointAt(i)! - b.codePointAt(i)!;
}

// Characters XML 1.0 (section 2.2, Char) cannot carry, lone surrogates included: no character
// reference can carry them either, so the writer refuses them instead of emitting a document no
// verifier can parse. Builders that must accept such values clean them up before they get here.
const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

// One test for everything either escape or the character check would act on: most values have none.
const NEEDS_WORK = /[&<>"\t\n\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

function checkCharacters(value: string): void {
  // Most values have no control character and no surrogate at all: one quick test, then the exact one.
  if (!MAYBE_NOT_XML_CHAR.test(value)) return;
  const bad = NOT_XML_CHAR.exec(value);
  if (bad) throw new Error(`U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} cannot be carried by XML 1.0`);
}

const MAYBE_NOT_XML_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTRIBUTE_SPECIAL = /[&<"\t\n\r]/g;
const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' };

function escapeCharacter(character: string): string {
  return ESCAPES[character]!;
}

/** C14N 1.0 section 2.3 (text nodes): & < > and CR; quotes, TAB and LF stay. */
export function escapeText(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  checkCharacters(value);
  return value.replace(TEXT_SPECIAL, escapeCharacter);
}

/** C14N 1.0 section 2.3 (attribute nodes): & < " TAB LF CR; > stays. */
export function escapeAttribute(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  checkCharacters(value);
  return value.replace(ATTRIBUTE_SPECIAL, escapeCharacter);
}
