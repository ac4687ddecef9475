// The key set held in memory, ready to sign: the current private key is opened once (unsealed into a
// KeyObject, or found in the PKCS#11 token), every published key's forms are computed once. A snapshot
// is immutable; a change in the store (this process, the CLI or another instance) yields a new snapshot
// within a poll interval.
// Published keys come from the store's public data (certificates) only, so a change is published even
// when a private key does not open; then `signing` throws 503 key_unavailable (fail closed: nothing
// is signed with any other key) until a key that opens becomes current.
import type { KeySetVersion, KeyStore } from './key-store.js';
import type { MetadataSignerStore } from './metadata-signer-store.js';
import type { KeyVault, OpenedKey } from './key-vault.js';
import { signingKeyOf } from './signing-key.js';
import type { XmlSigner } from '../xml/signer.js';
import { keyUnavailable } from '../errors.js';
import { publishedKeys, sortKeys } from './lifecycle.js';
import type { PublishedKey, PublishedKeyCache } from './formats.js';
import type { KeyRecord } from './types.js';
import { loadMetadataSigner, type MetadataSignerState, type MetadataSigningKey } from './metadata-signer-key.js';

/** A key ready to sign, wherever its private key lives: the XmlSigner of every document and token. */
export interface SigningKey extends XmlSigner {
  kid: string;
  published: PublishedKey;
  /** Probe the key: why it cannot sign now (a token key deleted from the token), or undefined. */
  check(): string | undefined;
  /** Set once a signature or a probe found the key gone (see signing-key.ts). */
  readonly lost: string | undefined;
  /** The opened private key (sealed or in the token) behind `sign`. */
  readonly opened: OpenedKey;
}

/** Why the current key cannot sign (its sealed private key does not open). */
export interface SigningUnavailable {
  kid: string;
  message: string;
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
    if (!this.signingKey || this.signingKey.lost) throw keyUnavailable(`Signing is unavailable: ${this.unavailable?.message ?? this.signingKey?.lost ?? 'no current key'}`);
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
  private readonly listeners: ((snapshot: KeySetSnapshot) => void)[] = [];

  constructor(
    private readonly store: Pick<KeyStore, 'listKeys'> & KeySetVersion & Pick<MetadataSignerStore, 'activeMetadataSigner'>,
    private readonly vault: KeyVault,
    private readonly forms: PublishedKeyCache,
    /** Where "not ready" problems are reported (default stderr). */
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** Called with every new snapshot once it is in place (the published documents' fast path prepares its bytes). */
  onSnapshot(listener: (snapshot: KeySetSnapshot) => void): void {
    this.listeners.push(listener);
  }

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
      signing = signingKeyOf(record.kid, this.forms.of(record), previousSigning.opened, this.log);
    } else {
      try {
        signing = signingKeyOf(record.kid, this.forms.of(record), this.vault.open(record), this.log);
      } catch (error) {
        unavailable = { kid: record.kid, message: (error as Error).message };
      }
    }
    const metadataSigner = await loadMetadataSigner(this.store, this.vault, this.forms, this.current?.metadataSigner);
    const unchanged = this.current?.version === version && this.current.metadataSigner.key === metadataSigner.key;
    if (unchanged && this.current?.unavailable?.kid === unavailable?.kid && this.current?.signingKey === signing) return this.current!;
    if (unavailable) {
      this.log(`fedmeta: ${unavailable.message}; not ready: sign-in and token endpoints answer 503 key_unavailable until a key that opens is current`);
    }
    if (metadataSigner.unavailable && metadataSigner.published) this.log(`fedmeta: ${metadataSigner.unavailable}; metadata answers 503 key_unavailable`);
    const snapshot = new KeySetSnapshot(version, keys, signing, record.kid, this.forms, unavailable, metadataSigner);
    this.current = snapshot;
    for (const listener of this.listeners) listener(snapshot);
    return snapshot;
  }

}
