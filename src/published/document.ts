// A published document is bytes plus the headers that go with them, built once and served as is.
import { createHash } from 'node:crypto';

export interface PublishedDocument {
  body: Buffer;
  etag: string;
  contentType: string;
  headers: Record<string, string>;
}

export function makeDocument(body: string | Buffer, contentType: string, headers: Record<string, string> = {}): PublishedDocument {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 32)}"`;
  return { body: bytes, etag, contentType, headers };
}
