// Which answers the OpenAPI root hooks (openapi-hooks.ts) check: those of the Management API and the
// token endpoint, on any listener except ours that are not the Management API (the metrics listener,
// registered by startTestServer). No side effects, so helpers can import it outside mocha (bench/).

const otherListeners = new Set<string>();

/** Answers from `url`'s origin are not checked: the listener there is not the Management API. */
export function notTheManagementApi(url: string): void {
  otherListeners.add(new URL(url).origin);
}

/** The Management API and the token endpoint, by path. */
export const isDocumentedSurface = (path: string): boolean => path === '/api/v2' || path.startsWith('/api/v2/') || path === '/oauth/token';

export function isCheckedAnswer(url: string): boolean {
  const { pathname, origin } = new URL(url);
  return isDocumentedSurface(pathname) && !otherListeners.has(origin);
}
