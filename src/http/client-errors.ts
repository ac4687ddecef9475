// Requests node:http refuses before fedmeta sees them (oversized headers, timeouts, unparsable HTTP).
// Node's own answers have a status line and no body; these say, in the Management API's JSON shape,
// what went wrong and which setting bounds it. Like Node's, they are written only when no response has
// started on the socket, and the connection is closed.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpLimits } from '../config.js';

interface Refusal {
  status: number;
  errorCode: string;
  message: string;
}

function refusalFor(code: string | undefined, limits: HttpLimits): Refusal {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        errorCode: 'request_header_fields_too_large',
        message: `The request line and headers are over ${limits.maxHeaderBytes} bytes (FEDMETA_MAX_HEADER_BYTES). A SAML message this long should be sent with the HTTP-POST binding, not HTTP-Redirect; otherwise send fewer or smaller cookies.`,
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        errorCode: 'request_timeout',
        message: `The request did not arrive in time: headers within ${limits.headersTimeoutMs} ms, the whole request within ${limits.requestTimeoutMs} ms (FEDMETA_HEADERS_TIMEOUT_MS, FEDMETA_REQUEST_TIMEOUT_MS).`,
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, errorCode: 'payload_too_large', message: 'The chunk extensions of the request body are too large.' };
    default:
      return { status: 400, errorCode: 'bad_request', message: `The request is not valid HTTP/1.1${code ? ` (${code})` : ''}.` };
  }
}

/** The server's 'clientError' listener. */
export function answerClientError(limits: HttpLimits) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    const started = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
    if (error.code !== 'ECONNRESET' && socket.writable && !started) {
      const { status, errorCode, message } = refusalFor(error.code, limits);
      const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message, errorCode });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy(error);
  };
}
