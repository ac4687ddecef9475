// A counting semaphore with a bounded wait queue, for CPU-heavy work (scrypt) that must not pile up:
// at most `concurrency` tasks run, at most `queue` wait; beyond that `run` refuses at once
// (SemaphoreFull) instead of queueing forever, so a flood cannot starve the requests behind it.
export class SemaphoreFull extends Error {
  constructor() {
    super('too much work in flight');
    this.name = 'SemaphoreFull';
  }
}

export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  /** Tasks running now and waiting now. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new SemaphoreFull();
      // The slot is handed over by release(): `active` is not decremented in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active += 1;
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active -= 1;
  }
}
