// The real Logger, made by the entry: pino writing JSON lines to stdout (or FEDMETA_LOG_FILE), or
// readable lines through pino-pretty when stdout is a terminal. Writes are synchronous, so the last
// lines before an exit are never lost.
import { pino, destination, stdTimeFunctions, type DestinationStream } from 'pino';
import type PinoPretty from 'pino-pretty';
import { lazyRequire } from '../lazy-require.js';
import type { Logger } from './logger.js';
import type { LogSettings } from '../config-observability.js';

const pretty = lazyRequire<typeof PinoPretty>('pino-pretty');

/**
 * Names whose values are secrets wherever they appear in a line's fields: replaced by "[redacted]".
 * A second guard only: fedmeta never passes a secret to the logger in the first place.
 */
const REDACTED_PATHS = ['password', 'client_secret', 'clientSecret', 'secret', 'token', 'access_token', 'authorization', 'cookie', 'privateKey', 'kek']
  .flatMap((name) => [name, `*.${name}`]);

function destinationFor(settings: LogSettings): DestinationStream {
  if (settings.file) return destination({ dest: settings.file, append: true, mkdir: true, sync: true });
  if (process.stdout.isTTY) return pretty()({ destination: 1, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return destination({ fd: 1, sync: true });
}

export function createLogger(settings: LogSettings): Logger {
  return pino(
    {
      level: settings.level,
      base: { service: 'fedmeta', pid: process.pid },
      timestamp: stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destinationFor(settings),
  );
}
