// fedmeta clients add-saml|add-wsfed|list — the same ClientService as the Management API.
import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { toClientObject, checkCallbackUrl } from '../clients/validate.js';
import { wsfedMetadataUrl } from '../published/wsfed-metadata.js';
import { SP_METADATA_MAX_BYTES } from '../saml/sp-metadata.js';
import { samlEndpoints, samlMetadataUrl } from '../published/saml-metadata.js';
import type { Application } from '../clients/types.js';
import { table, UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';

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

export async function clientsCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  const print = (app: Application, json: boolean | undefined) =>
    io.out(json ? `${JSON.stringify(toClientObject(app), null, 2)}\n` : describe(app, services));
  switch (sub) {
    case 'add-saml': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          name: { type: 'string' },
          audience: { type: 'string' },
          callback: { type: 'string', multiple: true },
          metadata: { type: 'string' },
          'sign-response': { type: 'boolean' },
          'signature-algorithm': { type: 'string' },
          'idp-initiated': { type: 'boolean' },
          'no-idp-initiated': { type: 'boolean' },
          'certificate-delivery': { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      if (values['idp-initiated'] && values['no-idp-initiated']) throw new UsageError('give --idp-initiated or --no-idp-initiated, not both');
      // Neither: on, unless the application signs its requests (addons.samlp.idpInitiated).
      const idpInitiated = values['idp-initiated'] ? true : values['no-idp-initiated'] ? false : undefined;
      if (values.metadata) {
        const xml = await readMetadataSource(values.metadata, services.config.metadataFetchTimeoutMs);
        print(await services.clients.createFromSpMetadata(xml, cliActor(), values.name, idpInitiated, values['certificate-delivery']), values.json);
        return 0;
      }
      if (!values.name || !values.audience || !values.callback?.length) {
        throw new UsageError('usage: fedmeta clients add-saml --name N --audience A --callback URL [--callback URL…] | --metadata FILE_OR_URL [--idp-initiated | --no-idp-initiated] [--certificate-delivery metadata|manual]');
      }
      const samlp: Record<string, unknown> = { audience: values.audience };
      if (values['sign-response']) samlp.signResponse = true;
      if (values['signature-algorithm']) samlp.signatureAlgorithm = values['signature-algorithm'];
      if (idpInitiated !== undefined) samlp.idpInitiated = idpInitiated;
      if (values['certificate-delivery']) samlp.certificateDelivery = values['certificate-delivery'];
      print(await services.clients.create({ name: values.name, callbacks: values.callback, addons: { samlp } }, cliActor()), values.json);
      return 0;
    }
    case 'add-wsfed': {
      const { values } = parseArgs({
        args: rest,
        strict: true,
        options: {
          name: { type: 'string' },
          realm: { type: 'string' },
          callback: { type: 'string', multiple: true },
          'token-format': { type: 'string' },
          'certificate-delivery': { type: 'string' },
          json: { type: 'boolean' },
        },
      });
      if (!values.name || !values.realm || !values.callback?.length) {
        throw new UsageError('usage: fedmeta clients add-wsfed --name N --realm R --callback URL [--token-format saml11|saml20] [--certificate-delivery metadata|manual]');
      }
      const wsfed: Record<string, unknown> = { realm: values.realm };
      if (values['token-format']) wsfed.tokenFormat = values['token-format'];
      if (values['certificate-delivery']) wsfed.certificateDelivery = values['certificate-delivery'];
      print(await services.clients.create({ name: values.name, callbacks: values.callback, addons: { wsfed } }, cliActor()), values.json);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
      const apps = await services.clients.list();
      if (values.json) {
        io.out(`${JSON.stringify(apps.map(toClientObject), null, 2)}\n`);
        return 0;
      }
      io.out(
        table([
          ['CLIENT_ID', 'NAME', 'PROTOCOL', 'AUDIENCE / REALM', 'CALLBACKS'],
          ...apps.map((app) => [
            app.clientId,
            app.name,
            [app.addons.samlp && 'samlp', app.addons.wsfed && 'wsfed'].filter(Boolean).join(',') || '-',
            app.addons.samlp?.audience ?? app.addons.wsfed?.realm ?? '-',
            app.callbacks.join(' '),
          ]),
        ]),
      );
      return 0;
    }
    default:
      throw new UsageError('usage: fedmeta clients add-saml … | add-wsfed … | list [--json]');
  }
}
