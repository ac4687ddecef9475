// One POST of a batch to a stream's endpoint. Redirects are not followed (a 3xx is a failure), the
// whole exchange has a deadline, and any answer but 2xx is a failure with a short reason.
import { SIGNATURE_HEADER, signBody } from './delivery.js';
import type { LogStreamSink } from './types.js';

export interface Batch {
  streamId: string;
  sink: LogStreamSink;
  authorization?: string | undefined;
  secret: string;
  body: string;
}

export type Sender = (batch: Batch, timeoutMs: number) => Promise<void>;

export const postBatch: Sender = async (batch, timeoutMs) => {
  const headers: Record<string, string> = {
    'Content-Type': batch.sink.httpContentType,
    [SIGNATURE_HEADER]: signBody(batch.secret, batch.body),
    'X-Fedmeta-Log-Stream': batch.streamId,
    'User-Agent': 'fedmeta-log-stream',
  };
  if (batch.authorization) headers.Authorization = batch.authorization;
  let response: Response;
  try {
    response = await fetch(batch.sink.httpEndpoint, { method: 'POST', headers, body: batch.body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(cause ? `request failed (${cause})` : `request failed (${(error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error as Error).message})`);
  }
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) throw new Error(`the endpoint answered HTTP ${response.status}`);
};
