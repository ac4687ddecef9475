// One HTTP request with exactly the headers given, answered with the raw header lines and the body
// bytes as they came over the wire: fetch() adds Accept-Encoding and decodes, which hides what a
// server sent.
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

export interface RawResponse {
  status: number;
  /** [name, value] pairs in the order they were sent. */
  headers: [string, string][];
  header(name: string): string | undefined;
  body: Buffer;
}

export function rawRequest(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const pairs: [string, string][] = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
        const header = (name: string) => pairs.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
        resolve({ status: res.statusCode!, headers: pairs, header, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** The body with its Content-Encoding (none, gzip or br) undone. */
export function decodedBody(response: RawResponse): Buffer {
  const coding = response.header('content-encoding');
  if (coding === undefined) return response.body;
  if (coding === 'gzip') return gunzipSync(response.body);
  if (coding === 'br') return brotliDecompressSync(response.body);
  throw new Error(`unexpected Content-Encoding ${coding}`);
}
