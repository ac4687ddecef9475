// Cleanups registered during a test, run after it in reverse order (servers, receivers), each one
// even when another fails.
export function cleanupsAfterEach(): (cleanup: () => Promise<void>) => void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  return (cleanup) => void cleanups.push(cleanup);
}
