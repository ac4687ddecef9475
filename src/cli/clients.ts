// fedmeta clients add-saml|add-wsfed|list — the same ClientService as the Management API.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { toClientObject, checkCallbackUrl } from '../clients/validate.js';
import { wsfedMetadataUrl } from '../published/wsfed-metadata.js';
import { SP_METADATA_MAX_BYTES } from '../saml/sp-metadata.js';
import { samlEndpoints, samlMetadataUrl } from '../published/saml-metadata.js';
import type { Application } from '../clients/types.js';
import { table, UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';

/** SP metadata from a file, or from an https: (or loopback http:) URL, bounded in size and time. */
export async function readMetadataSource(source: string): Promise<string> {
  if (!/^https?:\/\//i.test(source)) return readFileSync(source, 'utf8');
  checkCallbackUrl(source, '--metadata URL');
  const response = await fetch(source, { signal: AbortSignal.timeout(10_000), redirect: 'error' });
  if (!response.ok) throw new Error(`fetching ${source} answered HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  if (body.length > SP_METADATA_MAX_BYTES) throw new Error(`${source} is larger than ${SP_METADATA_MAX_BYTES} bytes`);
  return body.toString('utf8');
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
          json: { type: 'boolean' },
        },
      });
      if (values.metadata) {
        const xml = await readMetadataSource(values.metadata);
        print(await services.clients.createFromSpMetadata(xml, cliActor(), values.name), values.json);
        return 0;
      }
      if (!values.name || !values.audience || !values.callback?.length) {
        throw new UsageError('usage: fedmeta clients add-saml --name N --audience A --callback URL [--callback URL…] | --metadata FILE_OR_URL');
      }
      const samlp: Record<string, unknown> = { audience: values.audience };
      if (values['sign-response']) samlp.signResponse = true;
      if (values['signature-algorithm']) samlp.signatureAlgorithm = values['signature-algorithm'];
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
          json: { type: 'boolean' },
        },
      });
      if (!values.name || !values.realm || !values.callback?.length) {
        throw new UsageError('usage: fedmeta clients add-wsfed --name N --realm R --callback URL [--token-format saml11|saml20]');
      }
      const wsfed: Record<string, unknown> = { realm: values.realm };
      if (values['token-format']) wsfed.tokenFormat = values['token-format'];
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
