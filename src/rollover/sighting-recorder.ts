// Consumer sightings are buffered in memory and written in the background: a consumer is written at
// most once per flush interval, whatever it fetches in between, so a burst of JWKS fetches turns
// into one write per consumer, not one per request. The buffer is bounded; past the bound new
// consumers are counted as dropped until the next flush.
import type { Clock } from '../clock.js';
import { consumerKey, type Sighting } from './types.js';
import type { SightingStore } from './sighting-store.js';

/** Consumers held between two flushes at most. */
export const SIGHTING_BUFFER_LIMIT = 10_000;
const USER_AGENT_MAX = 256;
const HOUR = 3_600_000;

export interface SightingRecorderOptions {
  store: SightingStore;
  clock: Clock;
  /** Anonymous consumers not seen for this long are deleted. */
  retentionMs: number;
  /** Where a failed save is reported (default stderr). */
  log?: (line: string) => void;
}

export interface SightingStats {
  /** Calls to saveSightings (one transaction each) and rows written. */
  flushes: number;
  rowsWritten: number;
  dropped: number;
}

export class SightingRecorder {
  private pending = new Map<string, Sighting>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private lastPrune = 0;
  readonly stats: SightingStats = { flushes: 0, rowsWritten: 0, dropped: 0 };

  constructor(private readonly options: SightingRecorderOptions) {}

  /** Remember a fetch; never touches the store. */
  record(sighting: Sighting): void {
    const entry = { ...sighting, userAgent: sighting.userAgent?.slice(0, USER_AGENT_MAX) };
    const key = consumerKey(entry);
    if (!this.pending.has(key) && this.pending.size >= SIGHTING_BUFFER_LIMIT) {
      this.stats.dropped += 1;
      return;
    }
    this.pending.set(key, entry);
  }

  /** Write what is buffered (one transaction); concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  private async writePending(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      if (batch.length > 0) {
        await this.options.store.saveSightings(batch);
        this.stats.flushes += 1;
        this.stats.rowsWritten += batch.length;
      }
      await this.pruneHourly();
    } catch (error) {
      (this.options.log ?? console.error)(`fedmeta: could not save ${batch.length} consumer sighting(s): ${(error as Error).message}`);
    }
  }

  private async pruneHourly(): Promise<void> {
    const now = this.options.clock.now().getTime();
    if (now - this.lastPrune < HOUR) return;
    this.lastPrune = now;
    await this.options.store.pruneAnonymousSightings(new Date(now - this.options.retentionMs));
  }

  /** Flush every `intervalMs` in the background. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  /** Stop the timer and write what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
