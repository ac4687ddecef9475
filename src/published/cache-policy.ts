// How long consumers may cache metadata and the JWKS. Right after a rotation the new next key is
// young: consumers that cached the documents before it appeared do not know it yet. Until it is
// older than the metadata cache duration, documents are served with a shorter lifetime
// (FEDMETA_YOUNG_KEY_CACHE_SECONDS) so that they pick it up before the following rotation.
// A first start is not a rotation: nobody can hold an older key set then.
import type { Config } from '../config.js';
import type { KeyRecord } from '../keys/types.js';

export function nextKeyIsYoung(keys: readonly KeyRecord[], config: Config, now: Date): boolean {
  const next = keys.find((key) => key.state === 'next');
  const rotated = keys.some((key) => key.state === 'previous' || key.state === 'revoked');
  return !!next && rotated && now.getTime() - next.createdAt.getTime() < config.metadataCacheSeconds * 1000;
}

/** The cacheDuration / max-age of key-bearing documents now. */
export function publishedCacheSeconds(keys: readonly KeyRecord[], config: Config, now: Date): number {
  return nextKeyIsYoung(keys, config, now) ? Math.min(config.rollover.youngKeyCacheSeconds, config.metadataCacheSeconds) : config.metadataCacheSeconds;
}
