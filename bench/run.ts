// npm run bench: every speed goal of issue 13 as a ratio against a reference measured in the same
// run on the same machine (medians of --rounds, default 3), printed as a table and written as JSON.
// --smoke: one very short round of everything, checking outputs (no timings); --sign-only: the
// in-process signing rows only; --extras: also bench/extras.ts. Installs nothing: without wrk or nginx their rows are skipped.
import { NS } from '../src/xml/namespaces.js';
import { verifyXmlSignature } from '../src/xml/sign.js';
import { inProcessWork, interleavedRates } from './in-process.js';
import { startHttpLoad, type HttpResults, type HttpRowName } from './http-load.js';
import { parseOptions } from './options.js';
import { extras } from './extras.js';
import { median, pairedRatio, perSecond, printTable, ratioRow, skippedRow, writeJson, type Row } from './report.js';

const options = parseOptions(process.argv.slice(2));
const work = await inProcessWork();

if (options.smoke) {
  const signed = work.buildAndSign();
  verifyXmlSignature(signed, [work.certBase64], { element: [[NS.samlp, 'Response'], [NS.saml, 'Assertion']] });
  console.log('ok  signResponse output verifies (xml-crypto, trusting only its certificate)');
  for (const [name, run] of work.peers) {
    if (!(await run()).includes('SignatureValue>')) throw new Error(`smoke: ${name} produced no signature`);
    console.log(`ok  ${name} produces a signed document`);
  }
}

const load = options.signOnly ? undefined : await startHttpLoad(options);
const inProcess: Record<string, number[]> = {};
const inProcessRows: [string, () => unknown][] = [['rsa', work.rsa], ['build+sign', work.buildAndSign], ['sign-prebuilt', work.signPrebuilt], ...(options.signOnly ? [] : work.peers)];
try {
  for (let round = 0; round < options.rounds; round++) {
    const rates = await interleavedRates(inProcessRows.map(([, run]) => run), options.inProcessSeconds);
    inProcessRows.forEach(([name], i) => (inProcess[name] ??= []).push(rates[i]!));
    await load?.round();
  }
} catch (error) {
  await load?.finish().catch(() => undefined); // never leave the server or nginx running
  throw error;
}
const rsa = inProcess.rsa!;
const ours = inProcess['build+sign']!;
const rsaReference = `RSA-2048 crypto.sign, KeyObject, 1 thread: ${perSecond(median(rsa))}`;
const rows: Row[] = [
  ratioRow('build + sign one SAML Response in process (signResponse)', perSecond(median(ours)), rsaReference, pairedRatio(ours, rsa), { atLeast: 0.85 }),
  ratioRow('sign a prebuilt SAML Response in process', perSecond(median(inProcess['sign-prebuilt']!)), rsaReference, pairedRatio(inProcess['sign-prebuilt']!, rsa), { atLeast: 0.85 }),
];
for (const [name] of options.signOnly ? [] : work.peers) {
  const peer = inProcess[name]!;
  rows.push(ratioRow(`fedmeta signResponse vs npm peer ${name}`, perSecond(median(ours)), `${name}: ${perSecond(median(peer))}`, pairedRatio(ours, peer), { atLeast: 7 }));
}

let http: HttpResults | undefined;
if (load) {
  http = await load.finish();
  const rates = (name: HttpRowName) => http!.runs[name]?.map((run) => run.requestsPerSecond);
  const ssoRows: [HttpRowName, string, number][] = [
    ['idp-sso', 'IdP-initiated SSO over HTTP with a session (wrk -t1 -c32)', 0.5],
    ['sp-sso', 'SP-initiated SSO over HTTP (HTTP-Redirect AuthnRequest, session)', 0.45],
  ];
  for (const [name, work, goal] of ssoRows) {
    const values = rates(name);
    rows.push(values === undefined ? skippedRow(work, http.skipped.wrk!) : ratioRow(work, perSecond(median(values)), rsaReference, pairedRatio(values, rsa), { atLeast: goal }));
  }
  for (const name of ['jwks', 'metadata'] as const) {
    const work = name === 'jwks' ? 'GET /.well-known/jwks.json' : 'GET /samlp/metadata';
    const values = rates(name);
    const nginx = rates(`${name}-nginx`);
    if (values === undefined || nginx === undefined) rows.push(skippedRow(work, http.skipped.wrk ?? http.skipped.nginx!));
    else rows.push(ratioRow(work, perSecond(median(values)), `nginx, 1 worker, same bytes: ${perSecond(median(nginx))}`, pairedRatio(values, nginx), { atLeast: 0.5 }));
  }
  for (const [name, runs] of Object.entries(http.runs)) {
    const p50 = median(runs.map((run) => run.p50Ms));
    const p99 = median(runs.map((run) => run.p99Ms));
    rows.push(ratioRow(`latency ${name}: p99 / p50`, `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`, '', pairedRatio(runs.map((run) => run.p99Ms), runs.map((run) => run.p50Ms)), { atMost: 4 }));
  }
  rows.push({ work: 'server RSS after that load', ours: `${http.rssMegabytes.toFixed(0)} MB`, reference: '', ratio: undefined, goal: '< 100 MB', met: http.rssMegabytes < 100 });
}

if (options.smoke) {
  console.log('\nsmoke: all outputs correct');
} else {
  printTable(rows, `fedmeta bench: medians of ${options.rounds} round(s)${options.workers ? `, FEDMETA_WORKERS=${options.workers}` : ''}${options.nodeOptions ? `, NODE_OPTIONS=${options.nodeOptions}` : ''}`);
  writeJson(options.json, { date: new Date().toISOString(), rounds: options.rounds, workers: options.workers ?? null, nodeOptions: options.nodeOptions ?? null, rows, inProcess, http: http ?? null });
}
if (options.extras) await extras(work.signWith, work.privateKeyPem, options.inProcessSeconds);
