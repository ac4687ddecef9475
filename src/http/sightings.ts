// Records who fetched a published document (rollover readiness): the application for its own
// metadata URL, otherwise the user agent and client address. Buffered in memory: never a store write here.
import type { Context } from 'koa';
import type { AppDeps } from './context.js';
import type { PublishedDocumentKind } from '../rollover/types.js';

export function sightingRecorder({ sightings, keyring, clock }: Pick<AppDeps, 'sightings' | 'keyring' | 'clock'>) {
  return (ctx: Context, document: PublishedDocumentKind, options: { clientId?: string | undefined; kids?: string[] } = {}): void => {
    const snapshot = keyring.snapshot;
    const anonymous = options.clientId === undefined;
    sightings.record({
      document,
      clientId: options.clientId,
      userAgent: anonymous ? ctx.get('User-Agent') || undefined : undefined,
      address: anonymous ? ctx.ip || undefined : undefined,
      keySetVersion: snapshot.version,
      kids: options.kids ?? snapshot.published.map((key) => key.kid),
      seenAt: clock.now(),
    });
  };
}
