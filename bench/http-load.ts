// HTTP rows: sign-ins (IdP- and SP-initiated, each request a fresh signed assertion) and the
// published documents against nginx serving the same bytes, with wrk -t1 -c32 --latency; then the
// server's resident memory after that load. The smoke checks the answers instead of timing them.
import { NS } from '../src/xml/namespaces.js';
import { verifyXmlSignature } from '../src/xml/sign.js';
import { rawRequest } from '../test/helpers/raw-http.js';
import type { RunningNginx } from '../test/helpers/nginx.js';
import { AUDIENCE, startBenchServer, type BenchServer } from './server-process.js';
import { runWrk, SP_INITIATED_SCRIPT, WRK, type WrkResult, type WrkRun } from './wrk.js';
import { NGINX, serveWithNginx } from './nginx.js';
import type { BenchOptions } from './options.js';
import { median } from './report.js';

export const PUBLISHED_PATHS = { jwks: '/.well-known/jwks.json', metadata: '/samlp/metadata' } as const;
export type HttpRowName = 'idp-sso' | 'sp-sso' | 'jwks' | 'jwks-nginx' | 'metadata' | 'metadata-nginx';

export interface HttpResults {
  runs: Partial<Record<HttpRowName, WrkResult[]>>;
  rssMegabytes: number;
  skipped: { wrk?: string; nginx?: string };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`smoke: ${what}`);
  console.log(`ok  ${what}`);
}

/** One IdP-initiated sign-in fetched here: its SAMLResponse must verify against the published current certificate. */
async function checkSignedResponse(server: BenchServer): Promise<void> {
  const page = await rawRequest(`${server.url}/samlp/${server.clientId}`, { cookie: server.cookie });
  const encoded = /name="SAMLResponse" value="([^"]+)"/.exec(page.body.toString())?.[1];
  check(page.status === 200 && encoded !== undefined, 'IdP-initiated sign-in with the session answers a SAMLResponse form');
  const certificate = (await rawRequest(`${server.url}/rawpem`)).body.toString();
  const verified = verifyXmlSignature(Buffer.from(encoded!, 'base64').toString('utf8'), [certificate], { element: [[NS.samlp, 'Response'], [NS.saml, 'Assertion']] });
  check(verified.signedXml.includes('bench@example.com'), 'its assertion verifies against /rawpem (xml-crypto) and names the signed-in user');
}

async function documentsOf(server: BenchServer) {
  const documents = new Map<string, { body: Buffer; contentType: string }>();
  for (const path of Object.values(PUBLISHED_PATHS)) {
    const response = await rawRequest(`${server.url}${path}`);
    documents.set(path, { body: response.body, contentType: response.header('content-type')! });
  }
  return documents;
}

export interface HttpLoad {
  /** One round: every HTTP row once (between in-process rounds, so both see the same load). */
  round(): Promise<void>;
  /** Reads the server's RSS after the load, stops nginx and the server. */
  finish(): Promise<HttpResults>;
}

/** Starts the server (and nginx), and in smoke mode checks what they answer before any load. */
export async function startHttpLoad(options: BenchOptions): Promise<HttpLoad> {
  const skipped: HttpResults['skipped'] = {};
  if (!WRK) skipped.wrk = 'wrk is not installed (Debian package wrk)';
  if (!NGINX) skipped.nginx = 'nginx is not installed (Debian package nginx-light)';
  const server = await startBenchServer(options.workers, options.nodeOptions);
  let nginx: RunningNginx | undefined;
  const stop = async () => {
    await nginx?.stop();
    await server.stop();
  };
  try {
    const documents = await documentsOf(server);
    if (!skipped.nginx) nginx = await serveWithNginx(documents);
    if (options.smoke) {
      await checkSignedResponse(server);
      for (const [path, { body }] of documents) {
        if (nginx) check((await rawRequest(`${nginx.url}${path}`)).body.equals(body), `nginx serves the same bytes as fedmeta at ${path}`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const sso = { url: `${server.url}/samlp/${server.clientId}`, headers: { cookie: server.cookie } };
  // Published documents first: sign-ins queued by wrk's 32 connections are still being answered
  // for a while after a sign-in row ends, and would weigh on whatever row came next.
  const plan: [HttpRowName, Omit<WrkRun, 'seconds'> | undefined][] = [
    ['jwks', { url: `${server.url}${PUBLISHED_PATHS.jwks}` }],
    ['jwks-nginx', nginx && { url: `${nginx.url}${PUBLISHED_PATHS.jwks}` }],
    ['metadata', { url: `${server.url}${PUBLISHED_PATHS.metadata}` }],
    ['metadata-nginx', nginx && { url: `${nginx.url}${PUBLISHED_PATHS.metadata}` }],
    ['idp-sso', sso],
    ['sp-sso', { url: sso.url, script: SP_INITIATED_SCRIPT, env: { FEDMETA_BENCH_PATH: `/samlp/${server.clientId}`, FEDMETA_BENCH_ISSUER: AUDIENCE, FEDMETA_BENCH_COOKIE: server.cookie, ...(options.smoke ? { FEDMETA_BENCH_CHECK: '1' } : {}) } }],
  ];
  const runs: HttpResults['runs'] = {};
  /** Until the server has answered what wrk left queued: a new request waits behind all of it. */
  const settle = async () => void (await (await fetch(`${server.url}/healthz`)).arrayBuffer());
  const measure = async (name: HttpRowName, run: Omit<WrkRun, 'seconds'>, seconds: number) => {
    const result = await runWrk({ ...run, seconds });
    await settle();
    if (options.smoke) check(result.requests > 0 && result.failures === 0, `wrk ${name}: ${result.requests} answers, none failed${name === 'sp-sso' ? ' (each a SAMLResponse form)' : ''}`);
    return result;
  };
  return {
    async round() {
      for (const [name, run] of skipped.wrk ? [] : plan) {
        if (!run || name.endsWith('-nginx')) continue;
        const reference = plan.find(([other]) => other === `${name}-nginx`)?.[1];
        if (!reference) {
          (runs[name] ??= []).push(await measure(name, run, options.wrkSeconds));
          continue;
        }
        // fedmeta and nginx in 1-second turns, ABBA: the machine's moments fall on both sides alike.
        const ours: WrkResult[] = [];
        const theirs: WrkResult[] = [];
        for (let turn = 0; turn < options.wrkSeconds; turn++) {
          const order: Array<[HttpRowName, Omit<WrkRun, 'seconds'>, WrkResult[]]> = [[name, run, ours], [`${name}-nginx` as HttpRowName, reference, theirs]];
          if (turn % 2 === 1) order.reverse();
          for (const [side, sideRun, results] of order) results.push(await measure(side, sideRun, 1));
        }
        (runs[name] ??= []).push(mergeTurns(ours));
        (runs[`${name}-nginx` as HttpRowName] ??= []).push(mergeTurns(theirs));
      }
    },
    async finish() {
      try {
        const rssMegabytes = server.rssMegabytes();
        if (options.smoke) check(rssMegabytes > 0, 'the server process RSS is read from /proc');
        return { runs, rssMegabytes, skipped };
      } finally {
        await stop();
      }
    },
  };
}

/** Equal-length wrk turns as one run: the mean rate, the median p50 and p99, every request and failure. */
export function mergeTurns(turns: readonly WrkResult[]): WrkResult {
  return {
    requestsPerSecond: turns.reduce((sum, turn) => sum + turn.requestsPerSecond, 0) / turns.length,
    p50Ms: median(turns.map((turn) => turn.p50Ms)),
    p99Ms: median(turns.map((turn) => turn.p99Ms)),
    requests: turns.reduce((sum, turn) => sum + turn.requests, 0),
    failures: turns.reduce((sum, turn) => sum + turn.failures, 0),
  };
}
