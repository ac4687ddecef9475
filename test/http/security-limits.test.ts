// Issue 9: limits that protect the service itself. Slow or silent clients are cut off by the
// server (not left open forever) and oversized headers are refused; normal requests still work.
import { expect } from 'chai';
import { readFixtureBytes } from '../helpers/fixtures.js';
import { connect } from 'node:net';
import { startTestServer, type TestServer } from '../helpers/server.js';


/**
 * Open a raw TCP connection, send `bytes` (possibly nothing) and never anything more; resolve with
 * what the server sent once the server closes the connection. The bound is the mocha timeout.
 */
function sendAndWaitForClose(server: TestServer, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1', () => {
      if (bytes.length > 0) socket.write(bytes);
    });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

describe('HTTP server limits (issue 9)', function () {
  // The bound for "the server closes it": far above the configured 300/600 ms, far below forever.
  this.timeout(15_000);
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      env: {
        FEDMETA_HEADERS_TIMEOUT_MS: '300',
        FEDMETA_REQUEST_TIMEOUT_MS: '600',
        FEDMETA_KEEPALIVE_TIMEOUT_MS: '300',
        FEDMETA_SOCKET_TIMEOUT_MS: '5000',
      },
    });
  });
  after(async () => server.destroy());

  /** The JSON body of a refusal node:http answers before any route (fedmeta's clientError listener). */
  const refusal = (received: string) => {
    const [head, body] = received.split('\r\n\r\n');
    expect(head).to.match(/\r\nContent-Type: application\/json; charset=utf-8\r\n/);
    expect(head).to.match(/\r\nConnection: close(\r\n|$)/);
    return JSON.parse(body!) as { statusCode: number; errorCode: string; message: string };
  };

  const cases: { fixture: string; status: string; what: string; says?: RegExp }[] = [
    { fixture: 'slow-silent-connection.http', status: '408', what: 'a connection that sends nothing', says: /FEDMETA_HEADERS_TIMEOUT_MS/ },
    { fixture: 'slow-half-request-line.http', status: '408', what: 'half a request line', says: /headers within 300 ms/ },
    { fixture: 'slow-headers-never-end.http', status: '408', what: 'headers that never end', says: /headers within 300 ms/ },
    { fixture: 'slow-body-never-ends.http', status: '408', what: 'a body shorter than its Content-Length' },
    { fixture: 'slow-idle-keep-alive.http', status: '200', what: 'an idle keep-alive connection after a request' },
    { fixture: 'header-too-large.http', status: '431', what: 'request headers over the size limit', says: /over 16384 bytes \(FEDMETA_MAX_HEADER_BYTES\)/ },
  ];
  for (const { fixture, status, what, says } of cases) {
    it(`closes ${what} (${fixture}), answering ${status}${says ? ' with a JSON message naming the limit' : ''}`, async () => {
      const received = await sendAndWaitForClose(server, readFixtureBytes(`requests/hostile/${fixture}`));
      expect(received.split('\r\n')[0]).to.match(new RegExp(`^HTTP/1\\.1 ${status} `));
      if (says) {
        const answer = refusal(received);
        expect(answer.statusCode).to.equal(Number(status));
        expect(answer.message).to.match(says);
      }
    });
  }

  it('a SAML HTTP-Redirect URL over the header limit: 431 request_header_fields_too_large, advising HTTP-POST', async () => {
    const url = `/samlp/some-client?SAMLRequest=${'A'.repeat(20_000)}`;
    const received = await sendAndWaitForClose(server, Buffer.from(`GET ${url} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    expect(received.split('\r\n')[0]).to.equal('HTTP/1.1 431 Request Header Fields Too Large');
    const answer = refusal(received);
    expect(answer.errorCode).to.equal('request_header_fields_too_large');
    expect(answer.message).to.include('HTTP-POST binding');
  });

  it('a request that is not HTTP: 400 bad_request naming the parser error', async () => {
    const answer = refusal(await sendAndWaitForClose(server, Buffer.from('GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n')));
    expect(answer).to.include({ statusCode: 400, errorCode: 'bad_request' });
    expect(answer.message).to.match(/^The request is not valid HTTP\/1\.1 \(HPE_[A-Z_]+\)\.$/);
  });

  it('still serves normal requests, several on one keep-alive connection', async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${server.url}/.well-known/jwks.json`);
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { keys: unknown[] }).keys).to.have.length(2);
    }
  });

  it('accepts a request whose headers are large but within the limit', async () => {
    const response = await fetch(`${server.url}/.well-known/jwks.json`, { headers: { cookie: `pad=${'a'.repeat(8_000)}` } });
    expect(response.status).to.equal(200);
  });
});
