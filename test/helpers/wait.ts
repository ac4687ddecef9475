// Waiting for something another process or instance does: poll `condition` until it holds.

/** Poll until `condition` holds; fail after `timeoutMs` (a bound on a hang, not a speed claim). Returns the ms waited. */
export async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, intervalMs = 5): Promise<number> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return Date.now() - started;
}
