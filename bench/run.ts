// npm run bench: each speed goal as a ratio against a baseline measured in the same run, on the same
// machine, so the figures compare the design choice and not the hardware.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { generateSigningKey } from '../src/keys/generate.js';
import { publishKey } from '../src/keys/formats.js';
import { buildResponse, signResponse } from '../src/saml/response.js';
import { randomIds } from '../src/ids.js';
import { buildIdpMetadata, signIdpMetadata } from '../src/saml/metadata.js';
import { startTestServer } from '../test/helpers/server.js';

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
  buildResponse({
    id: randomIds.samlId(),
    issuer: 'urn:idp',
    now: new Date(),
    destination: 'https://sp.example.com/acs',
    inResponseTo: '_req',
    assertion: { id: randomIds.samlId(), app, profile: { user_id: 'u1', email: 'ann@example.com', name: 'Ann' }, session: { authnInstant: new Date(), sessionIndex: randomIds.samlId() } },
  });
const sign = (privateKey: KeyObject) => signResponse(response(), { key: { privateKey, published }, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' });

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
      buildIdpMetadata({ entityId: 'urn:idp', keys: snapshot.published, ssoUrl: url, sloUrl: url, validUntil: new Date(Date.now() + 86_400_000), cacheDurationSeconds: 3600, id: randomIds.samlId() }),
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
