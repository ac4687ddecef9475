// Two real `fedmeta serve` processes on one PostgreSQL database (run `npm run build` first):
// concurrent start-up, 20 concurrent rotations spread over both, propagation time (printed),
// revocation visibility, and the CLI as a third writer.
import { expect } from 'chai';
import { runCli } from '../helpers/cli.js';
import {
  expectWholeKeySet,
  jwks,
  kidOf,
  readStore,
  serveProcessesOnOneSchema,
  addApiClientCli,
  tokenFrom,
  until,
  type ServeProcess,
} from '../helpers/serve-processes.js';

describe('PostgreSQL: two fedmeta serve processes on one database', function () {
  this.timeout(120_000);
  // Both start at once on an empty schema: one migrates and creates the keys, the other waits.
  const shared = serveProcessesOnOneSchema(2);
  const { schema } = shared;
  let a: ServeProcess;
  let b: ServeProcess;
  let tokenA: string;
  let tokenB: string;

  before(async () => {
    [a, b] = shared.running as [ServeProcess, ServeProcess];
    [tokenA, tokenB] = await Promise.all([tokenFrom(a.url, shared.credentials), tokenFrom(b.url, shared.credentials)]);
  });

  const call = (instance: ServeProcess, token: string, path: string, method = 'GET') =>
    fetch(`${instance.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

  it('started at once on an empty database: one schema, one key pair, the same JWKS on both; fedmeta migrate is a no-op', async () => {
    const [onA, onB] = await Promise.all([jwks(a.url), jwks(b.url)]);
    expect(onA.kids).to.have.length(2);
    expect(onB.body).to.equal(onA.body);
    expect(onB.etag).to.equal(onA.etag);
    const migrate = await runCli(['migrate'], a.env);
    expect(migrate.code, migrate.stderr).to.equal(0);
    expect(migrate.stdout.toString()).to.match(/postgres schema is up to date/);
    const state = await readStore(schema);
    expect(state.audit.filter((entry) => entry.event === 'keys_created')).to.have.length(1);
    for (const url of [a.url, b.url]) {
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).to.equal(200);
      expect(await ready.json()).to.deep.include({ status: 'ready', store: 'postgres', database: 'ok' });
    }
  });

  it('20 concurrent rotations spread over both instances: exactly 20 rotations, one current, one next, 20 audit entries', async () => {
    const before = await readStore(schema);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? call(b, tokenB, '/api/v2/keys/signing/rotate', 'POST') : call(a, tokenA, '/api/v2/keys/signing/rotate', 'POST'))),
    );
    expect(responses.map((response) => response.status)).to.deep.equal(Array(20).fill(201));
    const kids = await Promise.all(responses.map(async (response) => ((await response.json()) as { kid: string }).kid));
    expect(new Set(kids).size, 'each rotation promoted a different key').to.equal(20);
    const after = await readStore(schema);
    const { rotations } = expectWholeKeySet(after);
    expect(rotations - expectWholeKeySet(before).rotations).to.equal(20);
    expect(after.keys.filter((key) => key.state === 'previous')).to.have.length(20 + before.keys.filter((key) => key.state === 'previous').length);
    expect(after.audit.filter((entry) => entry.event === 'key_rotated')).to.have.length(20 + before.audit.filter((entry) => entry.event === 'key_rotated').length);
    // Both serve the same, final key set.
    const current = after.keys.find((key) => key.state === 'current')!.kid;
    await until(async () => (await jwks(a.url)).kids[0] === current && (await jwks(b.url)).kids[0] === current, 1000, 'both instances serve the final key set');
    const [onA, onB] = await Promise.all([jwks(a.url), jwks(b.url)]);
    expect(onB.body).to.equal(onA.body);
  });

  it('a rotation, a revocation or a CLI change on one instance is served by the other within a second (measured)', async () => {
    const measured: string[] = [];
    for (const [from, fromToken, to, label] of [
      [a, tokenA, b, 'rotate A→B'],
      [b, tokenB, a, 'rotate B→A'],
      [a, tokenA, b, 'rotate A→B'],
      [b, tokenB, a, 'rotate B→A'],
    ] as const) {
      const response = await call(from, fromToken, '/api/v2/keys/signing/rotate', 'POST');
      expect(response.status).to.equal(201);
      const { kid } = (await response.json()) as { kid: string };
      const ms = await until(async () => (await jwks(to.url)).kids[0] === kid, 1000, label);
      measured.push(`${label} ${ms} ms`);
    }

    const list = (await (await call(a, tokenA, '/api/v2/keys/signing')).json()) as { kid: string; previous: boolean }[];
    const previous = list.find((key) => key.previous)!;
    expect((await call(a, tokenA, `/api/v2/keys/signing/${previous.kid}/revoke?force=true`, 'PUT')).status).to.equal(200);
    const revokeMs = await until(async () => !(await jwks(b.url)).kids.includes(previous.kid), 1000, 'revocation A→B');
    measured.push(`revoke A→B ${revokeMs} ms`);
    expect((await fetch(`${b.url}/cer?kid=${previous.kid}`)).status).to.equal(404);
    expect((await fetch(`${b.url}/samlp/metadata`)).status).to.equal(200);

    const cli = await runCli(['keys', 'rotate', '--json'], a.env);
    expect(cli.code, cli.stderr).to.equal(0);
    const { kid: cliKid } = JSON.parse(cli.stdout.toString()) as { kid: string };
    const cliMs = await until(async () => (await jwks(a.url)).kids[0] === cliKid && (await jwks(b.url)).kids[0] === cliKid, 1000, 'CLI rotation on both');
    measured.push(`CLI→A+B ${cliMs} ms`);
    console.log(`      (propagation between processes: ${measured.join(', ')})`);
  });

  it('after an emergency rotate-and-revoke on B, A refuses tokens of the revoked key and signs only with the new one', async () => {
    const oldToken = await tokenFrom(a.url, await addApiClientCli(a.env));
    const signedBy = kidOf(oldToken);
    expect(signedBy, 'signed by the current key').to.equal((await jwks(a.url)).kids[0]);
    const response = await call(b, tokenB, '/api/v2/keys/signing/rotate?revoke_previous=true', 'POST');
    expect(response.status).to.equal(201);
    const { kid } = (await response.json()) as { kid: string };
    const ms = await until(async () => (await call(a, oldToken, '/api/v2/keys/signing')).status === 401, 1000, 'A refuses the revoked key');
    console.log(`      (A refuses tokens of the revoked key ${ms} ms after B answered)`);
    expect((await jwks(a.url)).kids).not.to.include(signedBy);
    expect((await jwks(a.url)).kids[0]).to.equal(kid);
    const fresh = await tokenFrom(a.url, await addApiClientCli(a.env));
    expect(kidOf(fresh), 'A signs with the new current key').to.equal(kid);
    expectWholeKeySet(await readStore(schema));
  });
});
