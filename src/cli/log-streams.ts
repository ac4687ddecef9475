// fedmeta log-streams add|list|remove — the same LogStreamService as the Management API. The signing
// secret of a new stream is printed once.
import { parseArgs } from 'node:util';
import type { Services } from '../services.js';
import { table, UsageError, type Io } from './output.js';
import { cliActor } from './keys.js';

const USAGE =
  'usage: fedmeta log-streams add --name N --endpoint URL [--authorization VALUE] [--format JSONARRAY|JSONLINES] [--category keys|sign_in|management …] [--json] | list [--json] | remove ID';

async function addCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      name: { type: 'string' },
      endpoint: { type: 'string' },
      authorization: { type: 'string' },
      format: { type: 'string' },
      category: { type: 'string', multiple: true },
      json: { type: 'boolean' },
    },
  });
  if (!values.name || !values.endpoint) throw new UsageError(USAGE);
  const sink = { httpEndpoint: values.endpoint, ...(values.authorization ? { httpAuthorization: values.authorization } : {}), ...(values.format ? { httpContentFormat: values.format } : {}) };
  const filters = (values.category ?? []).map((name) => ({ type: 'category', name }));
  const { stream, secret } = await services.logStreams.create({ name: values.name, type: 'http', sink, filters }, cliActor());
  if (values.json) {
    io.out(`${JSON.stringify({ ...stream, signing_secret: secret }, null, 2)}\n`);
  } else {
    io.out(`id:             ${stream.id}\nsigning_secret: ${secret}\n`);
    io.err('The signing secret is shown only this once: deliveries carry X-Fedmeta-Signature: sha256=<hex HMAC-SHA256 of the body with it>.\n');
  }
  return 0;
}

async function listCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { json: { type: 'boolean' } } });
  const streams = await services.logStreams.list();
  if (values.json) {
    io.out(`${JSON.stringify(streams, null, 2)}\n`);
    return 0;
  }
  const reason = (stream: (typeof streams)[number]) => stream.delivery.suspended_reason ?? stream.delivery.last_error ?? '-';
  io.out(table([['ID', 'NAME', 'STATUS', 'ENDPOINT', 'DELIVERED UP TO', 'PROBLEM'], ...streams.map((s) => [s.id, s.name, s.status, s.sink.httpEndpoint, s.delivery.last_delivered_log_id, reason(s)])]));
  return 0;
}

async function removeCommand(args: string[], services: Services, io: Io): Promise<number> {
  const { positionals } = parseArgs({ args, strict: true, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: fedmeta log-streams remove ID');
  await services.logStreams.remove(positionals[0]!, cliActor());
  io.out(`removed: ${positionals[0]}\n`);
  return 0;
}

export async function logStreamsCommand(args: string[], services: Services, io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add':
      return addCommand(rest, services, io);
    case 'list':
      return listCommand(rest, services, io);
    case 'remove':
      return removeCommand(rest, services, io);
    default:
      throw new UsageError(USAGE);
  }
}
