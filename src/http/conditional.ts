// Conditional GET, shared by both paths that serve documents.

/**
 * RFC 9110 13.1.2: an origin server evaluates If-None-Match itself (weak comparison, `*`, lists),
 * whatever Cache-Control the request carries (fetch() sends no-cache with conditional requests).
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
