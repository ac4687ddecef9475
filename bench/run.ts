// npm run bench: each speed goal as a ratio against a baseline measured in the same run, on the same
// machine, so the figures compare the design choice and not the hardware.
import { createPrivateKey, sign as rsaSign, type KeyObject } from 'node:crypto';
import { generateSigningKey } from '../src/keys/generate.js';
import { publishKey } from '../src/keys/formats.js';
import { responseElement, signResponse } from '../src/saml/response.js';
import { randomIds } from '../src/ids.js';
import { idpMetadataElement, signIdpMetadata } from '../src/saml/metadata.js';
import { inflateRawSync, deflateRawSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { decodeRedirectMessage } from '../src/saml/bindings.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { freePort, startTestServer } from '../test/helpers/server.js';
import { runCli } from '../test/helpers/cli.js';
import { until } from '../test/helpers/wait.js';

interface Result {
  name: string;
  opsPerSecond: number;
}

async function measure(name: string, run: () => unknown | Promise<unknown>, seconds = 2): Promise<Result> {
  for (let i = 0; i < 20; i++) await run(); // warm-up
  let ops = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < end) {
    await run();
    ops++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, opsPerSecond: ops / elapsed };
}

function report(goal: string, ours: Result, baseline: Result): void {
  const ratio = ours.opsPerSecond / baseline.opsPerSecond;
  console.log(`${goal}\n  ours:     ${ours.name}: ${ours.opsPerSecond.toFixed(0)} ops/s\n  baseline: ${baseline.name}: ${baseline.opsPerSecond.toFixed(0)} ops/s\n  ratio:    ${ratio.toFixed(2)}x\n`);
}

const key = await generateSigningKey({ modulusLength: 2048, commonName: 'bench.example', validityDays: 30, now: new Date() });
const published = publishKey({ kid: key.kid, state: 'current', certPem: key.certPem });
const keyObject: KeyObject = createPrivateKey(key.privateKeyPem);
const app = { audience: 'urn:sp', mappings: { email: 'email', name: 'name' }, nameIdentifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', lifetimeInSeconds: 3600 };
const response = () =>
  responseElement({
    id: randomIds.samlId(),
    issuer: 'urn:idp',
    now: new Date(),
    destination: 'https://sp.example.com/acs',
    inResponseTo: '_req',
    assertion: { id: randomIds.samlId(), app, profile: { user_id: 'u1', email: 'ann@example.com', name: 'Ann' }, session: { authnInstant: new Date(), sessionIndex: randomIds.samlId() } },
  });
const sign = (privateKey: KeyObject) => signResponse(response(), { key: { privateKey, published }, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

/** Medians of `rounds` measurements of each, interleaved so load on a shared machine hits both alike. */
async function medianPair(rounds: number, ours: [string, () => unknown], baseline: [string, () => unknown]): Promise<[Result, Result]> {
  const oursRuns: Result[] = [];
  const baselineRuns: Result[] = [];
  for (let i = 0; i < rounds; i++) {
    oursRuns.push(await measure(ours[0], ours[1]));
    baselineRuns.push(await measure(baseline[0], baseline[1]));
  }
  const median = (runs: Result[]) => [...runs].sort((a, b) => a.opsPerSecond - b.opsPerSecond)[Math.floor(runs.length / 2)]!;
  return [median(oursRuns), median(baselineRuns)];
}

// 0. Signing a SAML Response against the RSA limit: the raw RSA-2048 signature it cannot beat.
const digestInput = Buffer.alloc(600, 'a');
report(
  'SAML Response build + sign vs raw RSA-2048 (medians of 3 rounds)',
  ...(await medianPair(
    3,
    ['signResponse (assertion signed, rsa-sha256)', () => sign(keyObject)],
    ['crypto.sign(sha256, 600 bytes, KeyObject)', () => rsaSign('sha256', digestInput, keyObject)],
  )),
);
const prebuilt = response();
report(
  'SAML Response sign only (typed Response built once) vs raw RSA-2048 (medians of 3 rounds)',
  ...(await medianPair(
    3,
    ['signResponse of a prebuilt Response', () => signResponse(prebuilt, { key: { privateKey: keyObject, published }, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' })],
    ['crypto.sign(sha256, 600 bytes, KeyObject)', () => rsaSign('sha256', digestInput, keyObject)],
  )),
);
if (process.argv.includes('--sign-only')) process.exit(0);

// 1. The signing key is unsealed once into a KeyObject; the baseline parses the PEM for every signature.
report(
  'SAML Response build + sign (2048-bit RSA)',
  await measure('KeyObject held in memory', () => sign(keyObject)),
  await measure('PEM parsed per signature', () => sign(createPrivateKey(key.privateKeyPem))),
);

// 2. Published documents are built once per key-set version; the baseline builds and signs per request.
const server = await startTestServer();
const url = `${server.url}/samlp/metadata`;
const snapshot = server.services.keyring.snapshot;
report(
  'GET /samlp/metadata over HTTP (sequential requests)',
  await measure('built once per key-set version', async () => (await fetch(url)).arrayBuffer()),
  await measure('built and signed per request (same server, same HTTP)', async () => {
    await (await fetch(`${server.url}/healthz`)).arrayBuffer();
    signIdpMetadata(
      idpMetadataElement({ entityId: 'urn:idp', keys: snapshot.published, ssoUrl: url, sloUrl: url, validUntil: new Date(Date.now() + 86_400_000), cacheDurationSeconds: 3600, id: randomIds.samlId() }),
      snapshot.signing,
    );
  }),
);
report(
  'GET /.well-known/jwks.json over HTTP',
  await measure('built once per key-set version', async () => (await fetch(`${server.url}/.well-known/jwks.json`)).arrayBuffer()),
  await measure('built per request', async () => {
    await (await fetch(`${server.url}/healthz`)).arrayBuffer();
    JSON.stringify({ keys: snapshot.keys.filter((k) => k.state !== 'revoked').map((k) => publishKey({ ...k, kid: `${k.kid}-uncached-${Math.random()}` }).jwk) });
  }),
);
await server.destroy();

/** Milliseconds `run` takes, the mean of `times` runs (for what happens once per event, not per request). */
async function milliseconds(run: () => Promise<unknown> | unknown, times = 5): Promise<number> {
  let total = 0;
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    total += performance.now() - started;
  }
  return total / times;
}

// 3. Timings the tests used to assert (test/unit/saml/bindings.test.ts, test/http/samlp-requests.test.ts):
// a DEFLATE bomb is cut off at the inflation cap; the baseline inflates all of it.
const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 }).toString('base64');
report(
  'DEFLATE bomb (50 MB of zeros) in an HTTP-Redirect SAMLRequest',
  await measure('refused at the 64 KiB inflation cap', () => {
    try {
      decodeRedirectMessage(bomb, { maxEncodedBytes: 128 * 1024, maxInflatedBytes: 64 * 1024 });
    } catch {
      // saml_request_too_large, as the tests assert
    }
  }),
  await measure('inflated in full', () => inflateRawSync(Buffer.from(bomb, 'base64'))),
);

// 4. How fast an unreachable PostgreSQL is answered (test/postgres/postgres-store.test.ts and
// instances.test.ts assert the 503, not the time): nothing listens on the port.
const closed = openPostgresStore(`postgres://postgres@127.0.0.1:${await freePort()}/test`, { connectTimeoutMs: 1000 });
const unreachableMs = await milliseconds(() => closed.listKeys().catch(() => undefined));
await closed.close().catch(() => undefined);
console.log(`PostgreSQL unreachable: a store call fails (503) after ${unreachableMs.toFixed(1)} ms on average\n`);

// 5. Propagation (test/cli/cli.test.ts and test/http/applications.test.ts wait for it, without a time
// limit of a second): a CLI rotation until the running server publishes the new current key.
if (existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
  const target = await startTestServer();
  const firstKid = async () => ((await (await fetch(`${target.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys[0]!.kid;
  const propagation = await milliseconds(async () => {
    const before = await firstKid();
    const rotated = await runCli(['keys', 'rotate'], target.env);
    if (rotated.code !== 0) throw new Error(rotated.stderr);
    return until(async () => (await firstKid()) !== before, 10_000, 'the rotation served', 5);
  }, 3);
  console.log(`CLI keys rotate → served by the running server: ${propagation.toFixed(0)} ms on average (process start included)\n`);
  await target.destroy();
} else {
  console.log('CLI propagation: skipped (run npm run build first: the CLI runs from dist/)\n');
}
