// Log capture for tests: a Logger that keeps its lines in memory, a tee, and the registry of secret
// values the tests handed out or used, which the suite's log must never contain (suite-log-hooks.ts).
import type { LogFields, Logger } from '../../src/observability/logger.js';

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: LogFields;
  message: string;
}

export function capturingLogger(lines: CapturedLine[] = [], bindings: LogFields = {}): Logger & { lines: CapturedLine[] } {
  const at = (level: CapturedLine['level']) => (fields: LogFields, message: string) => void lines.push({ level, fields: { ...bindings, ...fields }, message });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => capturingLogger(lines, { ...bindings, ...more }) };
}

/** Every line to both loggers. */
export function teeLogger(a: Logger, b: Logger): Logger {
  return {
    debug: (fields, message) => (a.debug(fields, message), b.debug(fields, message)),
    info: (fields, message) => (a.info(fields, message), b.info(fields, message)),
    warn: (fields, message) => (a.warn(fields, message), b.warn(fields, message)),
    error: (fields, message) => (a.error(fields, message), b.error(fields, message)),
    child: (bindings) => teeLogger(a.child(bindings), b.child(bindings)),
  };
}

const secrets = new Map<string, string>();

/** A secret value a test created or used (client secret, token, password, cookie, CSRF token, KEK). Short values are ignored (they could occur by chance). */
export function rememberSecret(kind: string, value: string | undefined): void {
  if (value && value.length >= 8) secrets.set(value, kind);
}

export const rememberedSecrets = (): ReadonlyMap<string, string> => secrets;

/** The secret values (with their kind) that occur in `text`. */
export function secretsIn(text: string, values: ReadonlyMap<string, string> = secrets): string[] {
  return [...values].filter(([value]) => text.includes(value)).map(([value, kind]) => `${kind} (${value.slice(0, 4)}…)`);
}

/** Secrets recognisable by their shape, whoever made them: private keys in PEM, JWTs, session and CSRF cookies. */
export const SECRET_SHAPES: Record<string, RegExp> = {
  'private key PEM': /PRIVATE KEY-----/,
  JWT: /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\./,
  'session cookie': /fedmeta_session=[A-Za-z0-9_-]/,
  'CSRF cookie': /fedmeta_csrf=[A-Za-z0-9_-]/,
  'Bearer credentials': /Bearer [A-Za-z0-9._~+/-]{8,}/,
};

export function secretShapesIn(text: string): string[] {
  return Object.entries(SECRET_SHAPES).filter(([, shape]) => shape.test(text)).map(([name]) => name);
}
