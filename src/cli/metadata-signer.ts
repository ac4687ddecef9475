// fedmeta metadata-signer show|rotate — the dedicated key that signs SAML and WS-Fed metadata.
import { Option } from 'commander';
import type { Services } from '../services.js';
import type { MetadataSignerRecord } from '../keys/metadata-signer-store.js';
import { cliActor } from './output.js';
import { command, type CommandGroup } from './command-spec.js';
import { urlFor } from '../route-paths.js';

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

export const metadataSignerCommands: CommandGroup = {
  name: 'metadata-signer',
  summary: 'the dedicated key that signs SAML and WS-Fed metadata',
  commands: [
    command<{ format?: 'pem' | 'cer' }>({
      name: 'show',
      summary: 'the metadata-signing key and its certificate',
      options: [new Option('--format <format>', 'print only its certificate, as PEM or DER').choices(['pem', 'cer']).conflicts('json')],
      json: 'kid, cert, subject, fingerprint, thumbprint, created_at, expires_at, signs_metadata',
      run: async ({ options, services, io, print }) => {
        const record = await services.metadataSigner.active();
        const forms = services.publishedKeys.certificate(record.kid, record.certPem);
        if (options.format) io.out(options.format === 'pem' ? forms.certPem : forms.certDer);
        else print(metadataSignerObject(record, services), () => describe(record, services));
      },
    }),
    command({
      name: 'rotate',
      summary: 'replace it (service providers pinning its certificate must pin the new one)',
      json: 'the new key as show --json prints it, and previous: the kid it replaced',
      run: async ({ services, print }) => {
        const { previous, current } = await services.metadataSigner.rotate(cliActor());
        print(
          { ...metadataSignerObject(current, services), previous: previous ?? null },
          () =>
            `rotated: metadata is now signed by ${current.kid}${previous ? ` (was ${previous})` : ''}\n` +
            `service providers that pin the metadata-signing certificate must pin the new one: ${urlFor(services.config, 'metadata-signer-pem')}\n`,
        );
      },
    }),
  ],
};
