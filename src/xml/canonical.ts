// The exclusive canonical form of typed XML nodes (xml/nodes.ts): Exclusive XML Canonicalization 1.0
// over the C14N 1.0 serialization rules (xml/c14n-text.ts). Everything fedmeta signs is written only
// here, so the bytes it emits are the bytes it digests: no parse, no second serialization.
import { compareCodePoints, escapeAttribute, escapeText, sortAttributes } from './c14n-text.js';
import type { XmlAttribute, XmlElement, XmlNode } from './nodes.js';

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
