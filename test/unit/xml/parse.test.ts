import { codeOf, thrown } from '../../helpers/errors.js';
import { expect } from 'chai';
import { expectRoot, parseUntrustedXml, parseXsBoolean } from '../../../src/xml/parse.js';
import { XmlError } from '../../../src/errors.js';
import type { XmlErrorCode } from '../../../src/error-codes.js';
import { NS } from '../../../src/xml/namespaces.js';

const LIMIT = { maxBytes: 256 * 1024 };

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>`;

const hostile: Array<[name: string, xml: string, code: XmlErrorCode]> = [
  ['billion laughs (internal DTD entities)', BILLION_LAUGHS, 'xml_doctype_forbidden'],
  ['external entity (XXE)', '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>', 'xml_doctype_forbidden'],
  ['lower-case doctype', '<!doctype r><r/>', 'xml_doctype_forbidden'],
  ['external DTD', '<!DOCTYPE r SYSTEM "http://attacker.example/x.dtd"><r/>', 'xml_doctype_forbidden'],
  ['ENTITY declaration without DOCTYPE', '<r><!EnTiTy x "y"></r>', 'xml_entity_forbidden'],
  ['undeclared entity reference', '<r>&x;</r>', 'xml_malformed'],
  ['two root elements', '<a/><b/>', 'xml_multiple_roots'],
  ['text after the root', '<a/>trailing', 'xml_content_outside_root'],
  ['text before the root', 'leading<a/>', 'xml_content_outside_root'],
  ['CDATA after the root', '<a/><![CDATA[x]]>', 'xml_malformed'],
  ['no element at all', 'just text', 'xml_content_outside_root'],
  ['empty input', '', 'xml_malformed'],
  ['whitespace only', '  \n', 'xml_malformed'],
  ['unclosed element', '<a><b></a>', 'xml_malformed'],
  ['truncated input', '<a', 'xml_malformed'],
  ['duplicate attribute', '<a x="1" x="2"/>', 'xml_malformed'],
  ['unbound element prefix', '<p:a/>', 'xml_malformed'],
  ['unbound attribute prefix', '<a p:x="1"/>', 'xml_malformed'],
  ['processing instruction before the root', '<?xml-stylesheet href="x.xsl"?><a/>', 'xml_pi_forbidden'],
  ['processing instruction inside the root', '<a><b><?php echo 1; ?></b></a>', 'xml_pi_forbidden'],
  ['processing instruction after the root', '<a/><?pi x?>', 'xml_pi_forbidden'],
  ['XML declaration not at the start', ' <?xml version="1.0"?><a/>', 'xml_pi_forbidden'],
  ['text between the XML declaration and the root', '<?xml version="1.0"?>hidden<a/>', 'xml_content_outside_root'],
  ['text between a leading comment and the root', '<!-- c -->hidden<a/>', 'xml_content_outside_root'],
  ['text between the root and a trailing comment', '<a/><!-- c -->hidden', 'xml_content_outside_root'],
  ['encoding="UTF-7"', '<?xml version="1.0" encoding="UTF-7"?><a/>', 'xml_encoding_unsupported'],
  ["encoding='ISO-8859-1'", "<?xml version='1.0' encoding='ISO-8859-1'?><a/>", 'xml_encoding_unsupported'],
  ['encoding="UTF-16"', '<?xml version="1.0" encoding="UTF-16"?><a/>', 'xml_encoding_unsupported'],
  ['65 nested elements', `${'<a>'.repeat(65)}${'</a>'.repeat(65)}`, 'xml_too_deep'],
  ['an empty element at depth 65', `${'<a>'.repeat(64)}<b/>${'</a>'.repeat(64)}`, 'xml_too_deep'],
  ['20,000 nested elements', `${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}`, 'xml_too_deep'],
  ['20,000 unclosed nested elements', '<a>'.repeat(20_000), 'xml_too_deep'],
  ['10,001 elements', `<a>${'<b/>'.repeat(10_000)}</a>`, 'xml_too_many_elements'],
  ['unterminated comment', '<a/><!-- c', 'xml_malformed'],
  ['unterminated attribute value', '<a x="1>', 'xml_malformed'],
];

const xmlCodeOf = (run: () => unknown) => codeOf(run, { type: XmlError });

describe('xml/parse: parseUntrustedXml', () => {
  for (const [name, xml, code] of hostile) {
    it(`rejects ${name} with ${code}`, () => {
      expect(xmlCodeOf(() => parseUntrustedXml(xml, LIMIT))).to.equal(code);
    });
  }

  it("counts depth and elements without being fooled by '>' or '<' in attribute values, comments, CDATA and PIs", () => {
    const nested = (inner: string) => `${'<a>'.repeat(63)}${inner}${'</a>'.repeat(63)}`;
    // 64 deep is the limit itself.
    expect(parseUntrustedXml(nested('<b/>'), LIMIT).documentElement?.localName).to.equal('a');
    expect(parseUntrustedXml(nested(`<b x="/>" y='>'>t</b>`), LIMIT).documentElement?.localName).to.equal('a');
    expect(parseUntrustedXml(nested('<!-- <b><c><d> --><![CDATA[<b><c>]]><b/>'), LIMIT).documentElement?.localName).to.equal('a');
    // '/>' inside a value does not make the tag empty: this <b> is open, so <c/> is at depth 65.
    expect(codeOf(() => parseUntrustedXml(nested('<b x="/"><c/></b>'), LIMIT))).to.equal('xml_too_deep');
    // 10,000 elements is the limit itself; the limits can be set per caller.
    expect(parseUntrustedXml(`<a>${'<b/>'.repeat(9_999)}</a>`, LIMIT).documentElement?.childNodes.length).to.equal(9_999);
    expect(codeOf(() => parseUntrustedXml('<a><b><c/></b></a>', { ...LIMIT, maxDepth: 2 }))).to.equal('xml_too_deep');
    expect(codeOf(() => parseUntrustedXml('<a><b/><b/></a>', { ...LIMIT, maxElements: 2 }))).to.equal('xml_too_many_elements');
  });

  it('accepts UTF-8 declared in any case, or no encoding', () => {
    for (const declaration of ['<?xml version="1.0" encoding="UTF-8"?>', "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0" encoding = "Utf-8" ?>', '<?xml version="1.0"?>']) {
      expect(parseUntrustedXml(`${declaration}<a/>`, LIMIT).documentElement?.localName, declaration).to.equal('a');
    }
  });

  it('error messages are a short sentence, never the parser\'s own words', () => {
    for (const xml of ['<a><b></a>', '<a', '<a x="1" x="2"/>', '<r>&x;</r>', '<a/><![CDATA[x]]>']) {
      const error = thrown(() => parseUntrustedXml(xml, LIMIT), XmlError)!;
      expect(error.message, xml).to.equal('malformed XML');
    }
  });

  it('rejects input over maxBytes, counting UTF-8 bytes rather than characters', () => {
    expect(xmlCodeOf(() => parseUntrustedXml(`<a>${'x'.repeat(100)}</a>`, { maxBytes: 100 }))).to.equal('xml_too_large');
    const accents = `<a>${'é'.repeat(10)}</a>`; // 17 characters, 27 bytes
    expect(xmlCodeOf(() => parseUntrustedXml(accents, { maxBytes: 20 }))).to.equal('xml_too_large');
    expect(parseUntrustedXml(accents, { maxBytes: 27 }).documentElement?.textContent).to.equal('é'.repeat(10));
  });

  it('rejects an oversized billion-laughs document as too large before looking at it', () => {
    expect(xmlCodeOf(() => parseUntrustedXml(BILLION_LAUGHS, { maxBytes: 64 }))).to.equal('xml_too_large');
  });

  it('errors carry HTTP 400 and are exposed', () => {
    try {
      parseUntrustedXml('<a/><b/>', LIMIT);
      expect.fail('should have thrown');
    } catch (error) {
      expect(error).to.include({ status: 400, expose: true, code: 'xml_multiple_roots' });
    }
  });

  it('accepts an XML declaration, a BOM, comments and whitespace around the root', () => {
    const doc = parseUntrustedXml('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- c -->\n<a x="&amp;&#x41;">t</a>\n<!-- d -->\n', LIMIT);
    expect(doc.documentElement?.getAttribute('x')).to.equal('&A');
  });

  it('parses namespaces, so the root can be checked by namespace and local name', () => {
    const doc = parseUntrustedXml(`<samlp:AuthnRequest xmlns:samlp="${NS.samlp}" ID="_1"/>`, LIMIT);
    expect(expectRoot(doc, NS.samlp, 'AuthnRequest').getAttribute('ID')).to.equal('_1');
    expect(xmlCodeOf(() => expectRoot(doc, NS.samlp, 'LogoutRequest'))).to.equal('xml_unexpected_root');
    expect(xmlCodeOf(() => expectRoot(doc, NS.md, 'AuthnRequest'))).to.equal('xml_unexpected_root');
  });

  it('rejects the right local name in no namespace', () => {
    const doc = parseUntrustedXml('<AuthnRequest ID="_1"/>', LIMIT);
    expect(xmlCodeOf(() => expectRoot(doc, NS.samlp, 'AuthnRequest'))).to.equal('xml_unexpected_root');
  });
});

describe('xml/parse: parseXsBoolean (XML Schema 3.2.2, whitespace collapsed)', () => {
  const cases: Array<[value: string, expected: boolean | undefined]> = [
    ['true', true],
    ['1', true],
    [' true ', true],
    ['\t1\n', true],
    ['false', false],
    ['0', false],
    [' false', false],
    ['TRUE', undefined],
    ['True', undefined],
    ['yes', undefined],
    ['', undefined],
    ['t rue', undefined],
    ['01', undefined],
  ];
  for (const [value, expected] of cases) {
    it(`${JSON.stringify(value)} is ${String(expected)}`, () => {
      expect(parseXsBoolean(value)).to.equal(expected);
    });
  }
});
