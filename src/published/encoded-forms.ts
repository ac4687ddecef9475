// The compressed forms of a published document (gzip, brotli at their best settings), computed once
// per document object: documents are built once per key-set version, so once per version, never
// per request. A form that is not smaller than the document itself is left out.
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { PublishedDocument } from './document.js';

export interface EncodedForms {
  br?: Buffer;
  gzip?: Buffer;
}

const forms = new WeakMap<PublishedDocument, EncodedForms>();

function encode(body: Buffer): EncodedForms {
  const br = brotliCompressSync(body, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  const gzip = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
  return { ...(br.length < body.length ? { br } : {}), ...(gzip.length < body.length ? { gzip } : {}) };
}

export function encodedForms(doc: PublishedDocument): EncodedForms {
  let found = forms.get(doc);
  if (!found) {
    found = encode(doc.body);
    forms.set(doc, found);
  }
  return found;
}
