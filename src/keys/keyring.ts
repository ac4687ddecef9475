// The key set held in memory, ready to sign: the current private key is unsealed once into a
// KeyObject, every published key's forms are computed once. A snapshot is immutable; a change in
// the store (this process, the CLI or another instance) yields a new snapshot within a poll interval.
// Published keys come from the store's public data (certificates) only, so a change is published even
// when a private key does not open; then `signing` throws 503 key_unavailable (fail closed: nothing
// is signed with any other key) until a key that opens becomes current.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { KeySetVersion, KeyStore } from './key-store.js';
import type { MetadataSignerStore } from './metadata-signer-store.js';
import { unseal } from './seal.js';
import { keyUnavailable } from '../errors.js';
import { publishedKeys, sortKeys } from './lifecycle.js';
import type { PublishedKey, PublishedKeyCache } from './formats.js';
import type { KeyRecord } from './types.js';
import { loadMetadataSigner, type MetadataSignerState, type MetadataSigningKey } from './metadata-signer-key.js';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  published: PublishedKey;
}

/** Why the current key cannot sign (its sealed private key does not open). */
export interface SigningUnavailable {
  kid: string;
  message: string;
}

/** Open a sealed private key; throws 503 key_unavailable when it does not open. */
export function openPrivateKey(kek: Buffer, record: KeyRecord): KeyObject {
  try {
    return createPrivateKey(unseal(kek, record.kid, record.sealedPrivateKey));
  } catch {
    throw keyUnavailable(`The private key of signing key ${record.kid} cannot be opened (wrong FEDMETA_KEK, or the stored key is damaged)`);
  }
}

export class KeySetSnapshot {
  private readonly memo = new Map<string, unknown>();
  readonly published: PublishedKey[];
  readonly byKid: ReadonlyMap<string, PublishedKey>;

  constructor(
    readonly version: number,
    readonly keys: KeyRecord[],
    /** The current key ready to sign, or undefined when it does not open (see `unavailable`). */
    readonly signingKey: SigningKey | undefined,
    readonly currentKid: string,
    forms: PublishedKeyCache,
    readonly unavailable?: SigningUnavailable,
    /** The dedicated metadata-signing key (see metadata-signer-key.ts). */
    readonly metadataSigner: MetadataSignerState = { unavailable: 'not loaded' },
  ) {
    this.published = publishedKeys(keys).map((key) => forms.of(key));
    this.byKid = new Map(this.published.map((key) => [key.kid, key]));
  }

  /** The current key; 503 key_unavailable when its private key does not open. */
  get signing(): SigningKey {
    if (!this.signingKey) throw keyUnavailable(`Signing is unavailable: ${this.unavailable?.message ?? 'no current key'}`);
    return this.signingKey;
  }

  /** The dedicated metadata-signing key; 503 key_unavailable when it does not open (no fallback). */
  get metadataSigning(): MetadataSigningKey {
    if (!this.metadataSigner.key) throw keyUnavailable(`Metadata signing is unavailable: ${this.metadataSigner.unavailable ?? 'no metadata-signing key'}`);
    return this.metadataSigner.key;
  }

  /** Build a value once per key-set version (published documents live here). */
  once<T>(name: string, build: () => T): T {
    if (!this.memo.has(name)) this.memo.set(name, build());
    return this.memo.get(name) as T;
  }

  /** Like once(), but rebuilt when older than maxAgeMs (documents that carry a validUntil). */
  onceFresh<T>(name: string, maxAgeMs: number, now: Date, build: () => T): T {
    const entry = this.memo.get(name) as { value: T; builtAt: number } | undefined;
    if (entry && now.getTime() - entry.builtAt < maxAgeMs) return entry.value;
    const value = build();
    this.memo.set(name, { value, builtAt: now.getTime() });
    return value;
  }
}

export class Keyring {
  private current: KeySetSnapshot | undefined;
  private refreshing: Promise<KeySetSnapshot> | undefined;

  constructor(
    private readonly store: Pick<KeyStore, 'listKeys'> & KeySetVersion & Pick<MetadataSignerStore, 'activeMetadataSigner'>,
    private readonly kek: Buffer,
    private readonly forms: PublishedKeyCache,
    /** Where "not ready" problems are reported (default stderr). */
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  get snapshot(): KeySetSnapshot {
    if (!this.current) throw new Error('keyring not loaded');
    return this.current;
  }

  /**
   * Reload when the store's key version moved; concurrent callers share one reload. A reload already
   * under way may have read the version before the caller's own change committed, so the caller
   * waits for it and then shares the next one (a change is served as soon as its call returns).
   */
  async refresh(): Promise<KeySetSnapshot> {
    if (this.refreshing) await this.refreshing.catch(() => undefined);
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async reload(): Promise<KeySetSnapshot> {
    // Version first, keys second: if a change lands in between we hold newer keys under an older
    // version and simply reload once more on the next poll.
    const { keys: version } = await this.store.versions();
    // A current key that did not open is tried again on every poll (the row may be restored).
    if (this.current && this.current.version === version && !this.current.unavailable && !this.current.metadataSigner.unavailable) return this.current;
    const keys = sortKeys(await this.store.listKeys());
    const record = keys.find((key) => key.state === 'current');
    if (!record) throw new Error('the key store has no current signing key');
    const previousSigning = this.current?.signingKey;
    let signing: SigningKey | undefined;
    let unavailable: SigningUnavailable | undefined;
    if (previousSigning && previousSigning.kid === record.kid) {
      // Same key pair; a renewal may have given it a new certificate.
      signing = { ...previousSigning, published: this.forms.of(record) };
    } else {
      try {
        signing = { kid: record.kid, privateKey: openPrivateKey(this.kek, record), published: this.forms.of(record) };
      } catch (error) {
        unavailable = { kid: record.kid, message: (error as Error).message };
      }
    }
    const metadataSigner = await loadMetadataSigner(this.store, this.kek, this.forms, this.current?.metadataSigner);
    const unchanged = this.current?.version === version && this.current.metadataSigner.key === metadataSigner.key;
    if (unchanged && this.current?.unavailable?.kid === unavailable?.kid && this.current?.signingKey === signing) return this.current!;
    if (unavailable) {
      this.log(`fedmeta: ${unavailable.message}; not ready: sign-in and token endpoints answer 503 key_unavailable until a key that opens is current`);
    }
    if (metadataSigner.unavailable && metadataSigner.published) this.log(`fedmeta: ${metadataSigner.unavailable}; metadata answers 503 key_unavailable`);
    const snapshot = new KeySetSnapshot(version, keys, signing, record.kid, this.forms, unavailable, metadataSigner);
    this.current = snapshot;
    return snapshot;
  }

}
