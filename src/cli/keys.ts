// fedmeta keys list|rotate|revoke|renew|show — the same KeyService as the Management API.
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { toKeyObject } from '../keys/key-object.js';
import type { Actor } from '../audit/types.js';
import { kidsAsPositionals, table, UsageError, type Io } from './output.js';
import { printRefusal, printWarnings, rolloverCommand } from './keys-rollover.js';
import { policyCommand } from './keys-policy.js';
import { renewalDays } from '../keys/renewal.js';

const cliActor = (): Actor => ({ type: 'cli', id: userInfo().username });

const KEY_FORMATS = ['pem', 'cer', 'rawpem', 'pkcs7', 'jwk'] as const;

export async function keysCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean' } }, strict: true });
      const keys = await services.keys.keyObjects(services.publishedKeys);
      if (values.json) {
        io.out(`${JSON.stringify(keys, null, 2)}\n`);
        return 0;
      }
      const state = (key: (typeof keys)[number]) => (key.current ? 'current' : key.next ? 'next' : key.previous ? 'previous' : 'revoked');
      io.out(
        table([
          ['STATE', 'KID', 'FINGERPRINT (SHA-1)', 'CURRENT SINCE', 'CURRENT UNTIL', 'REVOCABLE AT', 'REVOKED AT', 'LOCATION'],
          ...keys.map((key) => [state(key), key.kid, key.fingerprint, key.current_since ?? '-', key.current_until ?? '-', key.revocable_at ?? '-', key.revoked_at ?? '-', key.key_location]),
        ]),
      );
      return 0;
    }
    case 'rotate': {
      const { values } = parseArgs({ args: rest, options: { 'revoke-previous': { type: 'boolean' }, force: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true });
      const { key, warnings } = await services.rollover.rotate({ actor: cliActor(), revokePrevious: values['revoke-previous'] ?? false, rateLimited: false, force: values.force ?? false }).catch((error: unknown) => printRefusal(error, io));
      printWarnings(warnings, io);
      if (values.json) io.out(`${JSON.stringify({ cert: toKeyObject(key, services.publishedKeys).cert, kid: key.kid })}\n`);
      else io.out(`rotated: ${key.kid} is now the current signing key${values['revoke-previous'] ? ' (the previous key is revoked)' : ''}\n`);
      return 0;
    }
    case 'revoke': {
      const { positionals, values } = parseArgs({ args: kidsAsPositionals(rest), allowPositionals: true, strict: true, options: { force: { type: 'boolean' } } });
      if (positionals.length !== 1) throw new UsageError('usage: fedmeta keys revoke KID [--force]');
      const { key } = await services.keys.revoke(positionals[0]!, { actor: cliActor(), rateLimited: false, force: values.force ?? false });
      io.out(`revoked: ${key.kid}${values.force ? ' (forced)' : ''}\n`);
      return 0;
    }
    case 'renew': {
      const { values, positionals } = parseArgs({ args: kidsAsPositionals(rest), allowPositionals: true, strict: true, options: { days: { type: 'string' }, json: { type: 'boolean' } } });
      if (positionals.length !== 1) throw new UsageError('usage: fedmeta keys renew KID [--days N]');
      const days = renewalDays(values.days, services.config.certDays);
      const { key } = await services.keys.renewCertificate(positionals[0]!, days, cliActor());
      const renewed = toKeyObject(key, services.publishedKeys);
      if (values.json) io.out(`${JSON.stringify(renewed, null, 2)}\n`);
      else io.out(`renewed: ${key.kid} has a new certificate (fingerprint ${renewed.fingerprint}), valid until ${renewed.expires_at}\n`);
      return 0;
    }
    case 'show': {
      const { values, positionals } = parseArgs({ args: kidsAsPositionals(rest), allowPositionals: true, strict: true, options: { format: { type: 'string' } } });
      if (positionals.length !== 1) throw new UsageError('usage: fedmeta keys show KID [--format pem|cer|rawpem|pkcs7|jwk]');
      const format = values.format;
      if (format !== undefined && !(KEY_FORMATS as readonly string[]).includes(format)) {
        throw new UsageError(`--format must be one of ${KEY_FORMATS.join(', ')} (got "${format}")`);
      }
      const record = await services.keys.get(positionals[0]!);
      const forms = services.publishedKeys.of(record);
      switch (format) {
        case undefined:
          io.out(`${JSON.stringify((await services.keys.keyObjects(services.publishedKeys, [record]))[0], null, 2)}\n`);
          break;
        case 'pem':
          io.out(forms.certPem);
          break;
        case 'cer':
          io.out(forms.certDer);
          break;
        case 'rawpem':
          io.out(`${forms.certBase64}\n`);
          break;
        case 'pkcs7':
          io.out(forms.pkcs7Pem);
          break;
        case 'jwk':
          io.out(`${JSON.stringify(forms.jwk, null, 2)}\n`);
          break;
      }
      return 0;
    }
    case 'policy':
      return policyCommand(rest, services, io);
    case 'status':
    case 'acknowledge':
      return rolloverCommand(sub, rest, services, io, cliActor());
    default:
      throw new UsageError('usage: fedmeta keys list [--json] | status [--json] | policy [--json] | rotate [--revoke-previous] [--force] | revoke KID [--force] | renew KID [--days N] | show KID [--format F] | acknowledge CLIENT_ID [--kid KID]');
  }
}

export { cliActor };
