// The composition root: config → store → KEK → keys → keyring → applications → users, with the
// clock and the identifier source passed in. Used by `fedmeta serve`, every CLI command and the tests.
import type { Config } from './config.js';
import { systemClock, type Clock } from './clock.js';
import { randomIds, type Ids } from './ids.js';
import { openStore } from './store/open.js';
import { withGroupCommit } from './store/group-commit.js';
import type { Store } from './store/store.js';
import { resolveKek } from './keys/kek.js';
import { Keyring, type KeySetSnapshot } from './keys/keyring.js';
import { openKeyVault } from './keys/open-vault.js';
import { SEALED, type KeyVault } from './keys/key-vault.js';
import { KeyService } from './keys/service.js';
import { MetadataSignerService } from './keys/metadata-signer.js';
import { PublishedKeyCache } from './keys/formats.js';
import { ConfigError } from './config.js';
import { ClientService } from './clients/service.js';
import { UserService } from './users/service.js';
import { ApplicationCatalog } from './clients/catalog.js';
import { SightingRecorder } from './rollover/sighting-recorder.js';
import { RolloverService } from './rollover/service.js';
import { LogStreamService } from './log-streams/service.js';
import { lineLogger, silentLogger, type Logger } from './observability/logger.js';
import { FedmetaMetrics } from './observability/metrics.js';
import { observedStore } from './observability/observed-store.js';
import { requestRecorder, type RecordRequest } from './observability/request-recorder.js';

export interface Services {
  config: Config;
  store: Store;
  kek: Buffer;
  /** Where private keys live: sealed in the store, or in the PKCS#11 token (FEDMETA_KEY_BACKEND). */
  vault: KeyVault;
  keyring: Keyring;
  keys: KeyService;
  /** The dedicated key that signs SAML and WS-Fed metadata. */
  metadataSigner: MetadataSignerService;
  /** Every key's published forms (JWK, PEM, DER, PKCS#7, fingerprints), computed once per kid. */
  publishedKeys: PublishedKeyCache;
  clock: Clock;
  ids: Ids;
  clients: ClientService;
  catalog: ApplicationCatalog;
  users: UserService;
  /** Consumer sightings, buffered; a running server flushes them in the background. */
  sightings: SightingRecorder;
  rollover: RolloverService;
  logStreams: LogStreamService;
  warnings: string[];
  /** The process's logger (silent unless the entry passed one). */
  logger: Logger;
  /** This instance's Prometheus registry and instruments. */
  metrics: FedmetaMetrics;
  /** Records a finished HTTP request: the access-log line and the request metrics. */
  recordRequest: RecordRequest;
}

export interface ServiceOptions {
  config: Config;
  clock?: Clock;
  ids?: Ids;
  /** Create the first current and next keys on a new store (default true). */
  createKeys?: boolean;
  /** Where log lines go (default: nowhere; `fedmeta serve` passes the pino logger). */
  logger?: Logger;
  /** Also collect the process's own metrics (CPU, memory, event loop): only when metrics are served. */
  processMetrics?: boolean;
}

/**
 * No published sealed key opens: a wrong FEDMETA_KEK, not one damaged row. Refuse to start. One damaged
 * current key instead starts not ready (fail closed) so that a rotation can recover it; so does a
 * current key missing from the PKCS#11 token.
 */
function refuseWrongKek(snapshot: KeySetSnapshot, vault: KeyVault): void {
  if (!snapshot.unavailable || snapshot.keys.find((record) => record.kid === snapshot.currentKid)?.location !== SEALED) return;
  const opens = (record: (typeof snapshot.keys)[number]) => {
    try {
      vault.open(record);
      return true;
    } catch {
      return false;
    }
  };
  if (!snapshot.keys.some((record) => record.state !== 'revoked' && record.kid !== snapshot.currentKid && record.location === SEALED && opens(record))) {
    throw new ConfigError('FEDMETA_KEK', `the private key of ${snapshot.currentKid} does not open with this FEDMETA_KEK, nor does any other key; refusing to start (keys are never regenerated)`);
  }
}

/** Warnings to print at start: the store's own (if it has any) and the KEK's. */
function startWarnings(store: Store, kekWarning: string | undefined): string[] {
  const fromStore = 'warnings' in store && Array.isArray(store.warnings) ? (store.warnings as string[]) : [];
  return [...fromStore, ...(kekWarning ? [kekWarning] : [])];
}

/** Open the store and load the key set; creates the first current and next keys on a new store. */
export async function openServices({ config, clock = systemClock, ids = randomIds, createKeys = true, logger, processMetrics = false }: ServiceOptions): Promise<Services> {
  let keyring: Keyring | undefined;
  const metrics = new FedmetaMetrics({ keySet: () => keyring!.snapshot, clock }, { processMetrics });
  // Sign-ins are queued outside the observed store: their audit entries are logged once committed.
  const store = withGroupCommit(observedStore(await openStore(config), logger ?? silentLogger, metrics), {
    commitMs: config.processes.signInCommitMs,
    ...(logger ? { log: lineLogger(logger, 'error') } : {}),
  });
  let vault: KeyVault | undefined;
  try {
    await store.migrate();
    const { kek, warning } = await resolveKek(config, store);
    vault = openKeyVault(config, kek, logger ? lineLogger(logger, 'error') : undefined);
    const publishedKeys = new PublishedKeyCache();
    keyring = new Keyring(store, vault, publishedKeys, logger ? lineLogger(logger, 'error') : undefined);
    const refresh = keyring.refresh.bind(keyring);
    const keepRevoked = config.pkcs11?.keepRevoked ?? false;
    const keys = new KeyService({ config, store, vault, keepRevoked, clock, afterChange: refresh });
    const metadataSigner = new MetadataSignerService({ config, store, vault, keepRevoked, clock, afterChange: refresh });
    if (createKeys) {
      await keys.ensureInitialKeys({ type: 'system', id: 'first-start' });
      // New stores, and existing stores at their first start after the upgrade.
      await metadataSigner.ensure({ type: 'system', id: 'first-start' });
    }
    refuseWrongKek(await keyring.refresh(), vault);
    const catalog = new ApplicationCatalog(store);
    await catalog.refresh();
    const clients = new ClientService({ store, clock, ids, afterChange: () => catalog.refresh() });
    const users = new UserService({ store, clock, ids });
    const logStreams = new LogStreamService({ store, kek, clock, ids });
    const sightings = new SightingRecorder({ store, clock, retentionMs: config.rollover.sightingRetentionDays * 86_400_000, ...(logger ? { log: lineLogger(logger, 'error') } : {}) });
    const rollover = new RolloverService({ config, store, clock, keys, sightings });
    return { config, store, kek, vault, keyring, keys, metadataSigner, publishedKeys, clock, ids, clients, catalog, users, sightings, rollover, logStreams, warnings: startWarnings(store, warning), logger: logger ?? silentLogger, metrics, recordRequest: requestRecorder(logger ?? silentLogger, metrics) };
  } catch (error) {
    await store.close();
    vault?.close();
    throw error;
  }
}

/** Close the store and the PKCS#11 sessions (the module is finalized with its last user in the process). */
export async function closeServices(services: Pick<Services, 'store' | 'vault'>): Promise<void> {
  try {
    await services.store.close();
  } finally {
    services.vault.close();
  }
}
