/**
 * Runs `work` on every item, in the items' order, with at most `limit` runs in flight. Fulfils once
 * every run has; rejects with the first error as soon as it happens, as `Promise.all` does (runs in
 * flight go on, no further one starts).
 */
export async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (next < items.length && !failed) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
