// fedmeta metadata-signer show|rotate — the dedicated key that signs SAML and WS-Fed metadata.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import type { MetadataSignerRecord } from '../keys/metadata-signer-store.js';
import { cliActor } from './keys.js';
import { UsageError, type Io } from './output.js';
import { urlFor } from '../route-paths.js';

const USAGE = 'usage: fedmeta metadata-signer show [--json | --format pem|cer] | rotate [--json]';

/** The metadata signer as `show --json` prints it. */
export function metadataSignerObject(record: MetadataSignerRecord, services: Services) {
  const forms = services.publishedKeys.certificate(record.kid, record.certPem);
  const mode = services.config.metadataSigner;
  return {
    kid: record.kid,
    cert: forms.certPem,
    subject: forms.subject,
    fingerprint: forms.fingerprint,
    thumbprint: forms.thumbprint,
    created_at: record.createdAt.toISOString(),
    expires_at: forms.notAfter.toISOString(),
    signs_metadata: mode === 'dedicated',
  };
}

function describe(record: MetadataSignerRecord, services: Services): string {
  const view = metadataSignerObject(record, services);
  const mode = services.config.metadataSigner;
  const signs = mode === 'dedicated' ? 'signs SAML and WS-Fed metadata' : 'not used: FEDMETA_METADATA_SIGNER=current signs metadata with the current token key';
  return [
    `metadata-signing key ${view.kid} (${signs})`,
    `subject      ${view.subject}`,
    `fingerprint  ${view.fingerprint} (SHA-1)`,
    `created      ${view.created_at}`,
    `expires      ${view.expires_at}`,
    view.cert,
  ].join('\n');
}

async function show(rest: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' }, format: { type: 'string' } } });
  const record = await services.metadataSigner.active();
  const forms = services.publishedKeys.certificate(record.kid, record.certPem);
  if (values.format === 'pem') io.out(forms.certPem);
  else if (values.format === 'cer') io.out(forms.certDer);
  else if (values.format !== undefined) throw new UsageError(`--format must be pem or cer (got "${values.format}")`);
  else if (values.json) io.out(`${JSON.stringify(metadataSignerObject(record, services), null, 2)}\n`);
  else io.out(describe(record, services));
  return 0;
}

async function rotate(rest: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
  const { previous, current } = await services.metadataSigner.rotate(cliActor());
  if (values.json) {
    io.out(`${JSON.stringify({ ...metadataSignerObject(current, services), previous: previous ?? null }, null, 2)}\n`);
    return 0;
  }
  io.out(`rotated: metadata is now signed by ${current.kid}${previous ? ` (was ${previous})` : ''}\n`);
  io.out(`service providers that pin the metadata-signing certificate must pin the new one: ${urlFor(services.config, 'metadata-signer-pem')}\n`);
  return 0;
}

export async function metadataSignerCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'show') return show(rest, services, io);
  if (sub === 'rotate') return rotate(rest, services, io);
  throw new UsageError(USAGE);
}
