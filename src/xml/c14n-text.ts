// The C14N 1.0 serialization rules for what goes inside a tag or between tags: attribute order
// (section 2.2), the escaping of attribute values and text (section 2.3), and the characters XML 1.0
// cannot carry at all. xml/canonical.ts applies them while it writes.

/** What attribute order reads: the qualified name, and the namespace URI of a prefixed one. */
interface NamedAttribute {
  name: string;
  ns?: string | undefined;
}

/** C14N 1.0 section 2.2: by namespace URI, then local name; unqualified attributes (no URI) first. */
function compareAttributes(a: NamedAttribute, b: NamedAttribute): number {
  // Unqualified attributes (most): the name is the local name.
  if (!a.ns && !b.ns) return compareCodePoints(a.name, b.name);
  return compareCodePoints(a.ns ?? '', b.ns ?? '') || compareCodePoints(localNameOf(a.name), localNameOf(b.name));
}

/** The attributes in canonical order (as given when they already are); a duplicate is refused. */
export function sortAttributes<A extends NamedAttribute>(attributes: readonly A[], elementName: string): readonly A[] {
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
export function compareCodePoints(a: string, b: string): number {
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
  const bad = NOT_XML_CHAR.exec(value);
  if (bad) throw new Error(`U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} cannot be carried by XML 1.0`);
}

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

function localNameOf(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(':');
  return colon < 0 ? qualifiedName : qualifiedName.slice(colon + 1);
}
