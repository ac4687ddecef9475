// The metadata-signing key's use cases: created at first start (and at the first start after an
// upgrade, for existing stores), shown, and rotated by the operator (audited).
import type { Config } from '../config.js';
import { type Actor } from '../audit/types.js';
import type { Clock } from '../clock.js';
import { notFound } from '../errors.js';
import type { KeyVault } from './key-vault.js';
import { destroyRevokedKey, discardUnusedKey } from './token-cleanup.js';
import type { AuditStore } from '../audit/audit-store.js';
import type { MetadataSignerRecord, MetadataSignerStore } from './metadata-signer-store.js';

export interface MetadataSignerDeps {
  config: Config;
  store: MetadataSignerStore & Pick<AuditStore, 'appendAudit'>;
  vault: KeyVault;
  /** FEDMETA_PKCS11_KEEP_REVOKED: keep a retired key's private object in the token. */
  keepRevoked?: boolean;
  clock: Clock;
  /** Called after a committed change, so this process re-signs its metadata at once. */
  afterChange?: () => Promise<unknown>;
}

export class MetadataSignerService {
  constructor(private readonly deps: MetadataSignerDeps) {}

  private async newRecord(): Promise<MetadataSignerRecord> {
    const { config, vault, clock } = this.deps;
    const now = clock.now();
    const fresh = await vault.generate({ modulusLength: config.keySize, commonName: config.issuerHost, validityDays: config.metadataSignerCertDays, now }, 'metadata-signing');
    return { ...fresh, createdAt: now };
  }

  /** The active metadata signer; 404 when none exists yet. */
  async active(): Promise<MetadataSignerRecord> {
    const record = await this.deps.store.activeMetadataSigner();
    if (!record) throw notFound('There is no metadata-signing key yet (start the server once, or run fedmeta metadata-signer rotate)');
    return record;
  }

  /** First start (new or upgraded store): create one if none is active. Concurrent starts create exactly one. */
  async ensure(actor: Actor): Promise<boolean> {
    if (await this.deps.store.activeMetadataSigner()) return false;
    const record = await this.newRecord();
    const created = await this.deps.store.putMetadataSigner({
      record,
      replace: false,
      now: this.deps.clock.now(),
      audit: { event: 'metadata_signer_created', description: `Created the metadata-signing key ${record.kid}`, actor, details: { kid: record.kid } },
    });
    if (created) await this.deps.afterChange?.();
    else discardUnusedKey(this.deps.vault, record);
    return created;
  }

  /** Replace the metadata-signing key: SPs that pin its certificate must pin the new one. */
  async rotate(actor: Actor): Promise<{ previous: string | undefined; current: MetadataSignerRecord }> {
    const previous = await this.deps.store.activeMetadataSigner();
    const record = await this.newRecord();
    await this.deps.store.putMetadataSigner({
      record,
      replace: true,
      now: this.deps.clock.now(),
      audit: {
        event: 'metadata_signer_rotated',
        description: `Rotated the metadata-signing key: ${record.kid} replaces ${previous?.kid ?? 'none'}`,
        actor,
        details: { kid: record.kid, previous: previous?.kid },
      },
    });
    await this.deps.afterChange?.();
    if (previous) await destroyRevokedKey(this.deps, previous, actor, 'retired metadata-signing key');
    return { previous: previous?.kid, current: record };
  }
}
