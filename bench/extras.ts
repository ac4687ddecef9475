// npm run bench -- --extras: the design choices the README quotes, each against the slower way
// measured in the same run (they are not goals of issue 13's table): a KeyObject held in memory vs a
// PEM parsed per signature; published documents built once per key-set version vs per request; the
// DEFLATE-bomb cut-off vs a full inflate; how fast an unreachable PostgreSQL is answered; how long a
// CLI rotation takes to be served by a running server.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { publishKey } from '../src/keys/formats.js';
import { randomIds } from '../src/ids.js';
import { idpMetadataElement, signIdpMetadata } from '../src/saml/metadata.js';
import { decodeRedirectMessage } from '../src/saml/bindings.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import { freePort, startTestServer } from '../test/helpers/server.js';
import { runCli } from '../test/helpers/cli.js';
import { until } from '../test/helpers/wait.js';
import { interleavedRates } from './in-process.js';

type Work = [name: string, run: () => unknown];

async function compare(goal: string, ours: Work, baseline: Work, seconds: number): Promise<void> {
  const [oursRate, baselineRate] = (await interleavedRates([ours[1], baseline[1]], seconds)) as [number, number];
  console.log(`${goal}\n  ours:     ${ours[0]}: ${oursRate.toFixed(0)} ops/s\n  baseline: ${baseline[0]}: ${baselineRate.toFixed(0)} ops/s\n  ratio:    ${(oursRate / baselineRate).toFixed(2)}x\n`);
}

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

export async function extras(sign: (key: KeyObject) => unknown, privateKeyPem: string, seconds: number): Promise<void> {
  const keyObject = createPrivateKey(privateKeyPem);
  await compare('SAML Response build + sign (2048-bit RSA)', ['KeyObject held in memory', () => sign(keyObject)], ['PEM parsed per signature', () => sign(createPrivateKey(privateKeyPem))], seconds);

  const server = await startTestServer();
  const url = `${server.url}/samlp/metadata`;
  const snapshot = server.services.keyring.snapshot;
  const fetched = (path: string) => async () => (await fetch(`${server.url}${path}`)).arrayBuffer();
  await compare(
    'GET /samlp/metadata over HTTP (sequential requests)',
    ['built once per key-set version', fetched('/samlp/metadata')],
    [
      'built and signed per request (same server, same HTTP)',
      async () => {
        await fetched('/healthz')();
        const validUntil = new Date(Date.now() + 86_400_000);
        signIdpMetadata(idpMetadataElement({ entityId: 'urn:idp', keys: snapshot.published, ssoUrl: url, sloUrl: url, validUntil, cacheDurationSeconds: 3600, id: randomIds.samlId() }), snapshot.signing);
      },
    ],
    seconds,
  );
  await compare(
    'GET /.well-known/jwks.json over HTTP',
    ['built once per key-set version', fetched('/.well-known/jwks.json')],
    [
      'built per request',
      async () => {
        await fetched('/healthz')();
        JSON.stringify({ keys: snapshot.keys.filter((k) => k.state !== 'revoked').map((k) => publishKey({ ...k, kid: `${k.kid}-uncached-${Math.random()}` }).jwk) });
      },
    ],
    seconds,
  );
  await server.destroy();

  const bomb = deflateRawSync(Buffer.alloc(50 * 1024 * 1024), { level: 9 }).toString('base64');
  const refuse = () => {
    try {
      decodeRedirectMessage(bomb, { maxEncodedBytes: 128 * 1024, maxInflatedBytes: 64 * 1024 });
    } catch {
      // saml_request_too_large, as the tests assert
    }
  };
  await compare('DEFLATE bomb (50 MB of zeros) in an HTTP-Redirect SAMLRequest', ['refused at the 64 KiB inflation cap', refuse], ['inflated in full', () => inflateRawSync(Buffer.from(bomb, 'base64'))], seconds);

  const closed = openPostgresStore(`postgres://postgres@127.0.0.1:${await freePort()}/test`, { connectTimeoutMs: 1000 });
  const unreachableMs = await milliseconds(() => closed.listKeys().catch(() => undefined));
  await closed.close().catch(() => undefined);
  console.log(`PostgreSQL unreachable: a store call fails (503) after ${unreachableMs.toFixed(1)} ms on average\n`);

  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) {
    console.log('CLI propagation: skipped (run npm run build first: the CLI runs from dist/)\n');
    return;
  }
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
}
