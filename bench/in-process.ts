// In-process rows: the RSA-2048 reference (crypto.sign with a KeyObject, one thread), fedmeta
// building + signing a SAML Response (signResponse), signing a prebuilt one, and the npm peers.
import { createPrivateKey, sign as rsaSign, type KeyObject } from 'node:crypto';
import { generateSigningKey } from '../src/keys/generate.js';
import { publishKey } from '../src/keys/formats.js';
import { responseElement, signResponse } from '../src/saml/response.js';
import { randomIds } from '../src/ids.js';
import { peers, type Peer } from './peers.js';

/** Operations per second of `run`, for `seconds` after a warm-up. */
export async function opsPerSecond(run: () => unknown, seconds: number): Promise<number> {
  return (await interleavedRates([run], seconds))[0]!;
}

/**
 * Operations per second of each of `runs`, measured in turns of `sliceMs` (the order rotating each
 * turn) for `seconds` each in all: a noisy machine's slow and fast moments fall on every side of a
 * ratio alike, which measuring one side after the other does not give.
 */
export async function interleavedRates(runs: ReadonlyArray<() => unknown>, seconds: number, sliceMs = 50): Promise<number[]> {
  // Steady state, not the JIT's first compilations: each side runs a quarter of its time first.
  for (const run of runs) {
    const end = process.hrtime.bigint() + BigInt(Math.round(seconds * 0.25e9));
    do await run();
    while (process.hrtime.bigint() < end);
  }
  const ops = runs.map(() => 0);
  const nanoseconds = runs.map(() => 0);
  const turns = Math.max(1, Math.round((seconds * 1000) / sliceMs));
  for (let turn = 0; turn < turns; turn++) {
    for (let k = 0; k < runs.length; k++) {
      const i = (turn + k) % runs.length;
      const start = process.hrtime.bigint();
      const end = start + BigInt(sliceMs * 1e6);
      let now = start;
      do {
        await runs[i]!();
        ops[i]!++;
        now = process.hrtime.bigint();
      } while (now < end);
      nanoseconds[i]! += Number(now - start);
    }
  }
  return ops.map((count, i) => count / (nanoseconds[i]! / 1e9));
}

export interface InProcessWork {
  rsa: () => Buffer;
  buildAndSign: () => string;
  signPrebuilt: () => string;
  peers: Peer[];
  certBase64: string;
  /** Build + sign with another form of the same key (--extras: a PEM parsed per signature). */
  signWith: (privateKey: KeyObject) => string;
  privateKeyPem: string;
}

export async function inProcessWork(): Promise<InProcessWork> {
  const key = await generateSigningKey({ modulusLength: 2048, commonName: 'bench.example', validityDays: 30, now: new Date() });
  const published = publishKey({ kid: key.kid, state: 'current', certPem: key.certPem });
  const privateKey: KeyObject = createPrivateKey(key.privateKeyPem);
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
  const signingWith = (keyObject: KeyObject) => ({ key: { privateKey: keyObject, published }, signResponse: false, signatureAlgorithm: 'rsa-sha256', digestAlgorithm: 'sha256' }) as const;
  const signing = signingWith(privateKey);
  const prebuilt = response();
  const digestInput = Buffer.alloc(600, 'a');
  return {
    rsa: () => rsaSign('sha256', digestInput, privateKey),
    buildAndSign: () => signResponse(response(), signing),
    signPrebuilt: () => signResponse(prebuilt, signing),
    peers: peers(key),
    certBase64: published.certBase64,
    signWith: (keyObject) => signResponse(response(), signingWith(keyObject)),
    privateKeyPem: key.privateKeyPem,
  };
}
