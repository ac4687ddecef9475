import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { makeDocument } from '../../../src/published/document.js';
import { encodedForms } from '../../../src/published/encoded-forms.js';

describe('compressed forms of a published document', () => {
  it('brotli and gzip forms decode to the document bytes, computed once per document', () => {
    const doc = makeDocument('<md:EntityDescriptor>'.repeat(200), 'application/samlmetadata+xml; charset=utf-8');
    const forms = encodedForms(doc);
    expect(brotliDecompressSync(forms.br!).equals(doc.body)).to.equal(true);
    expect(gunzipSync(forms.gzip!).equals(doc.body)).to.equal(true);
    expect(encodedForms(doc)).to.equal(forms);
  });

  it('leaves out a form that is not smaller than the document (random bytes do not compress)', () => {
    expect(encodedForms(makeDocument(randomBytes(64), 'application/pkix-cert'))).to.deep.equal({});
  });
});
