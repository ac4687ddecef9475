import { expect } from 'chai';
import { idleBucketCutoff, idleBucketMsFor, startExpiryPurge } from '../../../src/store/expiry.js';
import type { PurgeOptions, PurgedRows } from '../../../src/store/store.js';

const DAY = 86_400_000;
const nothing: PurgedRows = { sessions: 0, loginStates: 0, requestIds: 0, rateLimits: 0 };

describe('expiry purge', () => {
  it('an idle bucket goes once every policy would have refilled it (never sooner than a day)', () => {
    expect(idleBucketMsFor([])).to.equal(DAY);
    expect(idleBucketMsFor([{ burst: 5, perDay: 288 }])).to.equal(DAY);
    expect(idleBucketMsFor([{ burst: 10, perDay: 2 }, { burst: 5, perDay: 5 }])).to.equal(5 * DAY);
    const now = new Date('2026-03-01T00:00:00Z');
    expect(idleBucketCutoff(now).getTime()).to.equal(now.getTime() - DAY);
    expect(idleBucketCutoff(now, { idleBucketMs: 1000 }).getTime()).to.equal(now.getTime() - 1000);
  });

  it('purges on every tick with the clock and options given, logs a failure and keeps going, stops on stop()', async () => {
    const calls: Array<{ now: Date; options: PurgeOptions | undefined }> = [];
    const logged: string[] = [];
    const cutoffs: Date[] = [];
    const now = new Date('2026-03-01T00:00:00Z');
    const purge = startExpiryPurge({
      store: {
        async purgeExpired(at, options) {
          calls.push({ now: at, options });
          if (calls.length === 1) throw new Error('database down');
          return nothing;
        },
        async purgeAuditBefore(cutoff) {
          cutoffs.push(cutoff);
          return 0;
        },
      },
      now: () => now,
      intervalMs: 10,
      purge: { idleBucketMs: 5 },
      auditRetentionMs: 86_400_000,
      log: (line) => logged.push(line),
    });
    // Wait for a tick after the failed one (a loaded machine may delay timers well past 10 ms).
    for (const started = Date.now(); calls.length < 2 && Date.now() - started < 5000; ) await new Promise((resolve) => setTimeout(resolve, 10));
    purge.stop();
    const seen = calls.length;
    expect(seen).to.be.greaterThan(1);
    expect(calls[0]).to.deep.equal({ now, options: { idleBucketMs: 5 } });
    expect(logged).to.have.length(1);
    expect(logged[0]).to.include('database down');
    expect(cutoffs[0], 'audit retention after the expired rows').to.deep.equal(new Date('2026-02-28T00:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(calls.length, 'no tick after stop()').to.equal(seen);
  });
});
