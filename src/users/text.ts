// What user-supplied text may hold. Names, attribute values and e-mail addresses end up in signed
// XML (SAML and WS-Fed assertions), which cannot carry most control characters.

/** C0 and C1 control characters, DEL, and the code points XML 1.0 cannot carry (lone surrogates, U+FFFE/U+FFFF). */
const CONTROL = /[\u0000-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
/** The same, except tab, line feed and carriage return (a multi-line attribute value is fine). */
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
/** Zero-width and bidirectional formatting characters: invisible, they make one address look like another. */
export const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;

export const hasControlCharacters = (text: string, allowWhitespace = false) => (allowWhitespace ? CONTROL_EXCEPT_WHITESPACE : CONTROL).test(text);

/** Characters outside XML 1.0's Char production. */
const NOT_XML_CHAR = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** The text with every character XML 1.0 cannot carry removed (stored data must never break a sign-in). */
export const xmlSafe = (text: string) => text.replace(NOT_XML_CHAR, '');
