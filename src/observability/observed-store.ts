// The store as the running server sees it: every audit entry it commits is also a log line (key events
// with their kids and actor, sign-ins, refused tokens, ...) and moves the matching counters; a call that
// fails for another reason than a refusal counts as a store error. One place, so no key event,
// whichever surface caused it (API, dashboard, scheduler), goes unlogged.
import type { Store } from '../store/store.js';
import type { AuditInput } from '../audit/types.js';
import type { AuditEventType } from '../audit/event-types.js';
import { FedmetaError } from '../errors.js';
import type { Logger } from './logger.js';
import { errorFields } from './logger.js';
import type { FedmetaMetrics, SignInProtocol } from './metrics.js';

const KEY_EVENTS = new Set<AuditEventType>(['keys_created', 'key_rotated', 'key_rotated_and_revoked', 'key_revoked', 'key_rotation_failed', 'key_renewed', 'metadata_signer_created', 'metadata_signer_rotated']);

const SIGN_INS: Partial<Record<AuditEventType, [SignInProtocol | 'sso', boolean]>> = {
  login_succeeded: ['password', true],
  login_failed: ['password', false],
  login_unknown_user: ['password', false],
  login_blocked_user: ['password', false],
  token_issued: ['client_credentials', true],
  token_refused: ['client_credentials', false],
  sso_succeeded: ['sso', true],
};

function count(metrics: FedmetaMetrics, event: AuditEventType, entry: AuditInput): void {
  if (event === 'key_rotated') metrics.rotations.inc({ kind: 'rotate' });
  if (event === 'key_rotated_and_revoked') metrics.rotations.inc({ kind: 'emergency' });
  if (event === 'key_revoked' || event === 'key_rotated_and_revoked') metrics.revocations.inc();
  const signIn = SIGN_INS[event];
  if (!signIn) return;
  const protocol = signIn[0] === 'sso' ? (entry.details?.protocol === 'wsfed' ? 'wsfed' : 'saml2') : signIn[0];
  metrics.signIn(protocol, signIn[1]);
}

/** Log and count committed audit entries. */
export function auditObserver(logger: Logger, metrics: FedmetaMetrics) {
  return (entries: readonly AuditInput[]): void => {
    for (const entry of entries) {
      const { event } = entry;
      count(metrics, event, entry);
      const fields = { event, actor: { type: entry.actor.type, id: entry.actor.id }, ...(entry.actor.ip ? { client: entry.actor.ip } : {}), details: entry.details ?? {} };
      if (KEY_EVENTS.has(event)) logger.info({ ...fields, key_event: true }, entry.description);
      else logger.info(fields, entry.description);
    }
  };
}

type Committed = (entries: readonly AuditInput[]) => void;
type StoreMethod = (...args: never[]) => Promise<unknown>;

const always = () => true;
/** false (no such row) or undefined (nothing updated): no audit entry was written. */
const ifChanged = (result: unknown) => result !== false && result !== undefined;

/** The entry passed as argument `index`, if any. */
const entryAt = (index: number) => (args: unknown[]) => (args[index] ? [args[index] as AuditInput] : []);

/** Store methods that commit audit entries with a change: where the entries are among the arguments, and whether the result says they were written. */
const AUDITED: Record<string, [entries: (args: unknown[]) => AuditInput[], written: (result: unknown) => boolean]> = {
  appendAudit: [entryAt(0), always],
  recordSignIns: [(args) => (args[0] as ReadonlyArray<{ audit: AuditInput }>).map((record) => record.audit), always],
  createApiClient: [entryAt(1), always],
  deleteApiClient: [entryAt(1), ifChanged],
  rotateApiClientSecret: [entryAt(2), ifChanged],
  saveApplication: [entryAt(1), always],
  deleteApplication: [entryAt(1), ifChanged],
  createUser: [entryAt(1), always],
  deleteUser: [entryAt(1), ifChanged],
  setUserAdmin: [entryAt(2), ifChanged],
  updateUser: [(args) => (args[2] as { audits: AuditInput[] }).audits, ifChanged],
  createLogStream: [entryAt(1), always],
  updateLogStream: [entryAt(2), ifChanged],
  deleteLogStream: [entryAt(1), ifChanged],
  finishDelivery: [entryAt(3), ifChanged],
  acknowledgeRollover: [entryAt(1), always],
};

/** Wraps the methods that commit audit entries: the entries are reported once the call resolved. */
function withAudit(name: string, method: StoreMethod, committed: Committed): StoreMethod {
  const call = (args: unknown[]) => method(...(args as never[]));
  if (name === 'changeKeys') {
    return (async (request: { audit: (result: unknown) => AuditInput[] }) => {
      let entries: AuditInput[] = [];
      const outcome = await call([{ ...request, audit: (result: unknown) => (entries = request.audit(result)) }]);
      committed(entries);
      return outcome;
    }) as StoreMethod;
  }
  if (name === 'putMetadataSigner') {
    return (async (change: { audit: AuditInput }) => {
      const written = await call([change]);
      if (written) committed([change.audit]);
      return written;
    }) as StoreMethod;
  }
  const audited = AUDITED[name];
  if (!audited) return method;
  const [entries, written] = audited;
  return (async (...args: unknown[]) => {
    const result = await call(args);
    if (written(result)) committed(entries(args));
    return result;
  }) as StoreMethod;
}

export function observedStore(store: Store, logger: Logger, metrics: FedmetaMetrics): Store {
  const committed = auditObserver(logger, metrics);
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      if (!wrapped.has(property)) {
        const method = withAudit(property, (value as StoreMethod).bind(target), committed);
        wrapped.set(property, (...args: never[]) => {
          const result: unknown = method(...args);
          if (!(result instanceof Promise)) return result;
          return result.catch((error: unknown) => {
            if (!(error instanceof FedmetaError) || error.status >= 500) {
              metrics.storeErrors.inc({ operation: property });
              logger.error({ operation: property, ...errorFields(error) }, 'store call failed');
            }
            throw error;
          });
        });
      }
      return wrapped.get(property);
    },
  });
}
