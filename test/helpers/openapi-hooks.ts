// Mocha root hooks (registered in .mocharc.json for every test run): every Management API and
// /oauth/token answer the test suite receives, through fetch() or node:http's request(), is checked
// against the OpenAPI document (see openapi-validator.ts). A test during which an answer broke the
// document fails, naming method, path, status and what is wrong; answers received in before/after
// hooks are reported by the next test, or at the end of the run. CLI child processes are not watched.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { OpenApiValidator } from './openapi-validator.js';
import { isCheckedAnswer } from './openapi-surface.js';

const validator = new OpenApiValidator();
const violations: string[] = [];

function record(method: string, url: string, status: number, headers: Headers, body: string): void {
  const { pathname } = new URL(url);
  for (const problem of validator.check({ method, path: pathname, status, headers, body })) {
    violations.push(`${method.toUpperCase()} ${pathname} answered ${status}: ${problem}`);
  }
}

const originalFetch = globalThis.fetch;
globalThis.fetch = async function checkedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const response = await originalFetch(input, init);
  const method = input instanceof Request ? input.method : (init?.method ?? 'GET');
  const url = input instanceof Request ? input.url : String(input);
  if (isCheckedAnswer(url)) record(method, url, response.status, response.headers, await response.clone().text());
  return response;
};

/** The body as sent before its Content-Encoding (fetch() decodes by itself; node:http does not). */
function decoded(body: Buffer, encoding: string | null): Buffer {
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

// node:http's request(), as the tests that pick a source address use it: the answer's bytes are read
// alongside the test's own listener (a second 'data' listener sees the same chunks).
const http = createRequire(import.meta.url)('node:http') as typeof import('node:http');
const originalRequest = http.request;
http.request = function checkedRequest(this: unknown, ...args: unknown[]): ClientRequest {
  const request = (originalRequest as (...a: unknown[]) => ClientRequest).apply(this, args);
  request.on('response', (response: IncomingMessage) => {
    const host = request.host.includes(':') ? `[${request.host}]` : request.host;
    const url = `http://${host}:${response.socket?.remotePort ?? ''}${request.path}`;
    if (!isCheckedAnswer(url)) return;
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer | string) => chunks.push(Buffer.from(chunk)));
    response.on('end', () => {
      const headers = new Headers();
      for (let i = 0; i < response.rawHeaders.length; i += 2) headers.append(response.rawHeaders[i]!, response.rawHeaders[i + 1]!);
      record(request.method, url, response.statusCode ?? 0, headers, decoded(Buffer.concat(chunks), headers.get('content-encoding')).toString('utf8'));
    });
  });
  return request;
} as typeof http.request;
syncBuiltinESMExports();

/** The violations recorded since the last check, now forgotten (for the test of these hooks). */
export function drainViolations(): string[] {
  return violations.splice(0);
}

function takeViolations(): Error | undefined {
  if (violations.length === 0) return undefined;
  const error = new Error(`answers that break the OpenAPI document (src/api/openapi.ts):\n  ${violations.join('\n  ')}`);
  violations.length = 0;
  return error;
}

export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    const error = takeViolations();
    // Set as the hook's error, mocha fails the test that just ran (and runs the next ones).
    if (error) (this.test as Mocha.Hook).error(error);
  },
  afterAll() {
    const error = takeViolations();
    if (error) throw error;
  },
};
