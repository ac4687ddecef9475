// A clock the test moves forward: starts at the real time, `advanceTo` jumps (never back).
import type { Clock } from '../../src/clock.js';
import type { TestServer } from './server.js';

export class MovableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advanceTo(at: Date): void {
    this.offsetMs = Math.max(this.offsetMs, at.getTime() - Date.now());
  }
}

/** Move the clock just past the revocable_at of a previous key (the revoke guard's window). */
export async function passRevocableAt(server: TestServer, clock: MovableClock, kid: string): Promise<void> {
  const [key] = await server.services.keys.keyObjects(server.services.publishedKeys, [await server.services.keys.get(kid)]);
  if (!key?.revocable_at) throw new Error(`key ${kid} has no revocable_at (is it a previous key?)`);
  clock.advanceTo(new Date(Date.parse(key.revocable_at) + 1000));
}
