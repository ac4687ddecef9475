// fedmeta keys list|status|policy|rotate|acknowledge|revoke|renew|show — the same KeyService as the
// Management API.
import { Option } from 'commander';
import type { Services } from '../services.js';
import { toKeyObject, type KeyObject } from '../keys/key-object.js';
import { cliActor, table } from './output.js';
import { printRefusal, printWarnings, statusCommand, acknowledgeCommand } from './keys-rollover.js';
import { policyCommand } from './keys-policy.js';
import { renewalDays } from '../keys/renewal.js';
import { command, type CommandGroup } from './command-spec.js';

const KEY_FORMATS = ['pem', 'cer', 'rawpem', 'pkcs7', 'jwk'] as const;
const KID = ['<kid>', 'the key id (kid), as keys list shows it'] as const;

const state = (key: KeyObject) => (key.current ? 'current' : key.next ? 'next' : key.previous ? 'previous' : 'revoked');

function keyTable(keys: KeyObject[]): string {
  return table([
    ['STATE', 'KID', 'FINGERPRINT (SHA-1)', 'CURRENT SINCE', 'CURRENT UNTIL', 'REVOCABLE AT', 'REVOKED AT', 'LOCATION'],
    ...keys.map((key) => [state(key), key.kid, key.fingerprint, key.current_since ?? '-', key.current_until ?? '-', key.revocable_at ?? '-', key.revoked_at ?? '-', key.key_location]),
  ]);
}

async function keyObject(services: Services, kid: string): Promise<KeyObject> {
  return (await services.keys.keyObjects(services.publishedKeys, [await services.keys.get(kid)]))[0]!;
}

async function showForm(services: Services, kid: string, format: (typeof KEY_FORMATS)[number]): Promise<string | Buffer> {
  const forms = services.publishedKeys.of(await services.keys.get(kid));
  if (format === 'pem') return forms.certPem;
  if (format === 'cer') return forms.certDer;
  if (format === 'rawpem') return `${forms.certBase64}\n`;
  if (format === 'pkcs7') return forms.pkcs7Pem;
  return `${JSON.stringify(forms.jwk, null, 2)}\n`;
}

export const keysCommands: CommandGroup = {
  name: 'keys',
  summary: 'signing keys: list, rotate, revoke, renew, readiness and policy',
  commands: [
    command({
      name: 'list',
      summary: 'list the signing keys (next, current, previous, revoked)',
      json: 'the key objects, as GET /api/v2/keys/signing answers',
      run: async ({ services, print }) => {
        const keys = await services.keys.keyObjects(services.publishedKeys);
        print(keys, () => keyTable(keys));
      },
    }),
    statusCommand,
    policyCommand,
    command<{ revokePrevious?: boolean; force?: boolean }>({
      name: 'rotate',
      summary: 'rotate: the next key becomes current, the current key previous, a new next key is made',
      options: [
        ['--revoke-previous', 'emergency: also revoke the old current key at once'],
        ['--force', 'rotate even when not every application trusts the next key (strict mode) or the next key is too young'],
      ],
      json: '{ kid, cert } of the new current key',
      run: async ({ options, services, io, print }) => {
        const actor = cliActor();
        const rotation = { actor, revokePrevious: options.revokePrevious ?? false, rateLimited: false, force: options.force ?? false };
        const { key, warnings } = await services.rollover.rotate(rotation).catch((error: unknown) => printRefusal(error, io));
        printWarnings(warnings, io);
        print({ kid: key.kid, cert: toKeyObject(key, services.publishedKeys).cert }, () => `rotated: ${key.kid} is now the current signing key${options.revokePrevious ? ' (the previous key is revoked)' : ''}\n`);
      },
    }),
    acknowledgeCommand,
    command<{ force?: boolean }>({
      name: 'revoke',
      summary: 'revoke a previous key: it is no longer published or trusted',
      arguments: [KID],
      options: [['--force', 'revoke before its revocable_at (while signatures made with it may still be accepted)']],
      json: 'the revoked key object',
      run: async ({ args, options, services, print }) => {
        const { key } = await services.keys.revoke(args[0]!, { actor: cliActor(), rateLimited: false, force: options.force ?? false });
        print(await keyObject(services, key.kid), () => `revoked: ${key.kid}${options.force ? ' (forced)' : ''}\n`);
      },
    }),
    command<{ days?: string }>({
      name: 'renew',
      summary: 'a new certificate over the same key pair (same kid)',
      arguments: [KID],
      options: [['--days <n>', 'validity of the new certificate in days (default FEDMETA_CERT_DAYS)']],
      json: 'the key object with its new certificate',
      run: async ({ args, options, services, print }) => {
        const { key } = await services.keys.renewCertificate(args[0]!, renewalDays(options.days, services.config.certDays), cliActor());
        const renewed = toKeyObject(key, services.publishedKeys);
        print(renewed, () => `renewed: ${key.kid} has a new certificate (fingerprint ${renewed.fingerprint}), valid until ${renewed.expires_at}\n`);
      },
    }),
    command<{ format?: (typeof KEY_FORMATS)[number] }>({
      name: 'show',
      summary: 'one key: its key object, or its certificate or JWK in a published format',
      arguments: [KID],
      options: [new Option('--format <format>', 'print only this form, byte-equal to the published download').choices(KEY_FORMATS).conflicts('json')],
      json: 'the key object (also the default without --format)',
      run: async ({ args, options, services, io }) => {
        if (options.format) io.out(await showForm(services, args[0]!, options.format));
        else io.out(`${JSON.stringify(await keyObject(services, args[0]!), null, 2)}\n`);
      },
    }),
  ],
};

export { cliActor };
