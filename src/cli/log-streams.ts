// fedmeta log-streams add|list|remove — the same LogStreamService as the Management API. The signing
// secret of a new stream is printed once.
import { cliActor, table } from './output.js';
import { command, repeatable, required, type CommandGroup } from './command-spec.js';

interface AddOptions {
  name: string;
  endpoint: string;
  authorization?: string;
  format?: string;
  category?: string[];
}

export const logStreamsCommands: CommandGroup = {
  name: 'log-streams',
  summary: 'deliver the audit log to an HTTP endpoint (Auth0 log streams)',
  commands: [
    command<AddOptions>({
      name: 'add',
      summary: 'stream the audit log to an endpoint; its signing secret is printed once',
      options: [
        required('--name <name>', 'display name'),
        required('--endpoint <url>', 'where to POST the entries (https:, or http: on loopback)'),
        ['--authorization <value>', 'Authorization header sent with each delivery'],
        ['--format <format>', 'JSONARRAY (default) or JSONLINES'],
        repeatable('--category <category>', 'deliver only this category: keys, sign_in or management'),
      ],
      json: 'the stream and its signing_secret',
      details: 'Deliveries carry X-Fedmeta-Signature: sha256=<hex HMAC-SHA256 of the body with the signing secret>.',
      run: async ({ options, services, io, print }) => {
        const sink = { httpEndpoint: options.endpoint, ...(options.authorization ? { httpAuthorization: options.authorization } : {}), ...(options.format ? { httpContentFormat: options.format } : {}) };
        const filters = (options.category ?? []).map((name) => ({ type: 'category', name }));
        const { stream, secret } = await services.logStreams.create({ name: options.name, type: 'http', sink, filters }, cliActor());
        print({ ...stream, signing_secret: secret }, () => `id:             ${stream.id}\nsigning_secret: ${secret}\n`);
        if (!options.json) io.err('The signing secret is shown only this once: deliveries carry X-Fedmeta-Signature: sha256=<hex HMAC-SHA256 of the body with it>.\n');
      },
    }),
    command({
      name: 'list',
      summary: 'the streams, their status and why a suspended one stopped',
      json: 'the streams, as GET /api/v2/log-streams answers',
      run: async ({ services, print }) => {
        const streams = await services.logStreams.list();
        const problem = (stream: (typeof streams)[number]) => stream.delivery.suspended_reason ?? stream.delivery.last_error ?? '-';
        print(streams, () => table([['ID', 'NAME', 'STATUS', 'ENDPOINT', 'DELIVERED UP TO', 'PROBLEM'], ...streams.map((s) => [s.id, s.name, s.status, s.sink.httpEndpoint, s.delivery.last_delivered_log_id, problem(s)])]));
      },
    }),
    command({
      name: 'remove',
      summary: 'delete a stream',
      arguments: [['<id>', 'the stream (log-streams list shows it)']],
      json: '{ id, removed: true }',
      run: async ({ args, services, print }) => {
        await services.logStreams.remove(args[0]!, cliActor());
        print({ id: args[0], removed: true }, () => `removed: ${args[0]}\n`);
      },
    }),
  ],
};
