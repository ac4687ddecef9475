// A job that runs one pass every intervalMs until stopped: passes never overlap (a caller asking while
// one runs shares it), a failing pass is logged and the next one tries again, and stop() waits for the
// pass in progress. The timer does not keep the process alive.
export class PeriodicJob {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly pass: () => Promise<void>,
    /** Where a failed pass is reported (default stderr). */
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  start(options: { runNow?: boolean } = {}): void {
    if (options.runNow) void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One pass now, or the one in progress; never throws. */
  tick(): Promise<void> {
    this.running ??= this.pass()
      .catch((error: unknown) => this.log(`fedmeta: ${this.name}: ${(error as Error).message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
