// The Logger port: what library code (store watch, jobs, key events, HTTP) writes log lines through.
// The entry (src/main.ts) creates the real one (pino, pino-logger.ts) and passes it in; code that is
// given none (CLI commands, unit tests) uses silentLogger. No module-level logger exists.

export type LogFields = Record<string, unknown>;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
  /** A logger that adds `bindings` to every line (e.g. the request id). */
  child(bindings: LogFields): Logger;
}

const ignore = () => {};
export const silentLogger: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore, child: () => silentLogger };

/** The older one-line callbacks (`log: (line) => void`) onto a logger: the "fedmeta: " prefix goes, the level stays. */
export function lineLogger(logger: Logger, level: 'warn' | 'error' | 'info' = 'warn'): (line: string) => void {
  return (line) => logger[level]({}, line.replace(/^fedmeta: (warning: )?/, ''));
}

/** An error as log fields: its name and message, and the stack for faults (never the error's own properties). */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { err: { message: String(error) } };
  return { err: { type: error.name, message: error.message, stack: error.stack } };
}
