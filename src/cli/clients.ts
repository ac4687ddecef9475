// fedmeta clients add-saml|add-wsfed|list — the same ClientService as the Management API.
import { closeSync, openSync, readSync } from 'node:fs';
import type { Services } from '../services.js';
import { toClientObject, checkCallbackUrl } from '../clients/validate.js';
import { wsfedMetadataUrl } from '../published/wsfed-metadata.js';
import { SP_METADATA_MAX_BYTES } from '../saml/sp-metadata.js';
import { samlEndpoints, samlMetadataUrl } from '../published/saml-metadata.js';
import type { Application } from '../clients/types.js';
import { cliActor, table, UsageError } from './output.js';
import { command, repeatable, required, type CommandGroup } from './command-spec.js';

const MAX_REDIRECTS = 3;

/**
 * SP metadata from a file, or from an https: (or loopback http:) URL, bounded in size and time:
 * at most SP_METADATA_MAX_BYTES (the cap on pasted metadata) is ever held, the transfer is aborted
 * as soon as it passes the cap (or announces more in Content-Length), and the whole exchange,
 * redirects and body included, must finish within `timeoutMs`. Redirects are followed only to URLs
 * the first one could have been (https:, or http: on loopback), never from https: down to http:.
 */
export async function readMetadataSource(source: string, timeoutMs = 10_000): Promise<string> {
  if (!/^https?:\/\//i.test(source)) return readBoundedFile(source);
  checkCallbackUrl(source, '--metadata URL');
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    let url = source;
    for (let hops = 0; ; hops += 1) {
      const response = await fetch(url, { signal, redirect: 'manual' });
      if (response.status >= 300 && response.status < 400 && response.headers.has('location')) {
        await response.body?.cancel();
        if (hops === MAX_REDIRECTS) throw new Error(`fetching ${source}: more than ${MAX_REDIRECTS} redirects`);
        url = redirectTarget(url, response.headers.get('location')!, source);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`fetching ${url} answered HTTP ${response.status}`);
      }
      return await readBoundedBody(response, url);
    }
  } catch (error) {
    if (signal.aborted) throw new Error(`fetching ${source} timed out after ${timeoutMs} ms`);
    if (error instanceof TypeError) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`fetching ${source} failed: ${cause?.code ?? cause?.message ?? error.message}`);
    }
    throw error;
  }
}

function redirectTarget(from: string, location: string, source: string): string {
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    throw new Error(`fetching ${source}: redirect to an invalid URL`);
  }
  if (new URL(from).protocol === 'https:' && target.protocol !== 'https:') {
    throw new Error(`fetching ${source}: refusing a redirect from https: to ${target.protocol}`);
  }
  try {
    return checkCallbackUrl(target.href, 'redirect target');
  } catch (error) {
    throw new Error(`fetching ${source}: refusing a redirect: ${(error as Error).message}`);
  }
}

function tooLarge(what: string): Error {
  return new Error(`${what} is larger than ${SP_METADATA_MAX_BYTES} bytes (the limit for SP metadata)`);
}

async function readBoundedBody(response: Response, url: string): Promise<string> {
  const announced = Number(response.headers.get('content-length'));
  if (Number.isFinite(announced) && announced > SP_METADATA_MAX_BYTES) {
    await response.body?.cancel();
    throw tooLarge(url);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > SP_METADATA_MAX_BYTES) {
        await reader.cancel();
        throw tooLarge(url);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads at most the cap plus one byte, so neither a huge file nor a device like /dev/zero is slurped. */
function readBoundedFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(SP_METADATA_MAX_BYTES + 1);
    let size = 0;
    for (;;) {
      const read = readSync(fd, buffer, size, buffer.length - size, null);
      if (read === 0) break;
      size += read;
      if (size > SP_METADATA_MAX_BYTES) throw tooLarge(path);
    }
    return buffer.subarray(0, size).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function describe(app: Application, services: Services): string {
  const lines = [`client_id: ${app.clientId}`, `name:      ${app.name}`];
  const { config } = services;
  if (app.addons.samlp) lines.push(`metadata:  ${samlMetadataUrl(config, app.clientId)}`, `sso:       ${samlEndpoints(config, app.clientId).sso}`);
  if (app.addons.wsfed) lines.push(`metadata:  ${wsfedMetadataUrl(config, app.clientId)}`);
  return `${lines.join('\n')}\n`;
}

const DELIVERY = ['--certificate-delivery <how>', 'how it gets our certificates: metadata (default: it reads our metadata) or manual (uploaded by hand, then keys acknowledge)'] as const;
const CALLBACK = ['--callback <url>', 'where to post the sign-in response'] as const;

interface AddSamlOptions {
  name?: string;
  audience?: string;
  callback?: string[];
  metadata?: string;
  signResponse?: boolean;
  signatureAlgorithm?: string;
  idpInitiated?: boolean;
  certificateDelivery?: string;
}

async function addSaml(options: AddSamlOptions, services: Services): Promise<Application> {
  if (options.metadata) {
    const xml = await readMetadataSource(options.metadata, services.config.metadataFetchTimeoutMs);
    return services.clients.createFromSpMetadata(xml, cliActor(), options.name, options.idpInitiated, options.certificateDelivery);
  }
  if (!options.name || !options.audience || !options.callback?.length) throw new UsageError('give --metadata FILE_OR_URL, or --name, --audience and --callback');
  const samlp: Record<string, unknown> = { audience: options.audience };
  if (options.signResponse) samlp.signResponse = true;
  if (options.signatureAlgorithm) samlp.signatureAlgorithm = options.signatureAlgorithm;
  if (options.idpInitiated !== undefined) samlp.idpInitiated = options.idpInitiated;
  if (options.certificateDelivery) samlp.certificateDelivery = options.certificateDelivery;
  return services.clients.create({ name: options.name, callbacks: options.callback, addons: { samlp } }, cliActor());
}

function appTable(apps: Application[]): string {
  return table([
    ['CLIENT_ID', 'NAME', 'PROTOCOL', 'AUDIENCE / REALM', 'CALLBACKS'],
    ...apps.map((app) => [
      app.clientId,
      app.name,
      [app.addons.samlp && 'samlp', app.addons.wsfed && 'wsfed'].filter(Boolean).join(',') || '-',
      app.addons.samlp?.audience ?? app.addons.wsfed?.realm ?? '-',
      app.callbacks.join(' '),
    ]),
  ]);
}

const APPLICATION_JSON = 'the application, as GET /api/v2/clients/:id answers';

export const clientsCommands: CommandGroup = {
  name: 'clients',
  summary: 'applications: SAML service providers and WS-Federation relying parties',
  commands: [
    command<AddSamlOptions>({
      name: 'add-saml',
      summary: 'register a SAML service provider, from its metadata or from --name, --audience and --callback',
      options: [
        ['--metadata <file_or_url>', 'its SAML metadata: a file, or an https: (or loopback http:) URL'],
        ['--name <name>', 'display name (with --metadata: instead of the one in the metadata)'],
        ['--audience <entity_id>', "the service provider's entity ID"],
        repeatable(...CALLBACK),
        ['--sign-response', 'sign the whole Response too, not only the Assertion'],
        ['--signature-algorithm <alg>', 'rsa-sha256 (default) or rsa-sha1'],
        ['--idp-initiated', 'allow IdP-initiated sign-in (default: allowed unless the SP signs its requests)'],
        ['--no-idp-initiated', 'refuse IdP-initiated sign-in'],
        DELIVERY,
      ],
      json: APPLICATION_JSON,
      run: async ({ options, services, print }) => {
        const app = await addSaml(options, services);
        print(toClientObject(app), () => describe(app, services));
      },
    }),
    command<{ name: string; realm: string; callback: string[]; tokenFormat?: string; certificateDelivery?: string }>({
      name: 'add-wsfed',
      summary: 'register a WS-Federation relying party',
      options: [
        required('--name <name>', 'display name'),
        required('--realm <realm>', 'its realm (wtrealm)'),
        repeatable(...CALLBACK).makeOptionMandatory(),
        ['--token-format <format>', 'saml11 (default) or saml20'],
        DELIVERY,
      ],
      json: APPLICATION_JSON,
      run: async ({ options, services, print }) => {
        const wsfed: Record<string, unknown> = { realm: options.realm };
        if (options.tokenFormat) wsfed.tokenFormat = options.tokenFormat;
        if (options.certificateDelivery) wsfed.certificateDelivery = options.certificateDelivery;
        const app = await services.clients.create({ name: options.name, callbacks: options.callback, addons: { wsfed } }, cliActor());
        print(toClientObject(app), () => describe(app, services));
      },
    }),
    command({
      name: 'list',
      summary: 'list the applications',
      json: 'the applications, as GET /api/v2/clients answers',
      run: async ({ services, print }) => {
        const apps = await services.clients.list();
        print(apps.map(toClientObject), () => appTable(apps));
      },
    }),
  ],
};
