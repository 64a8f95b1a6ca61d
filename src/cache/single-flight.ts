/**
 * Coalesces concurrent work by key: while a call for a key is in flight, later callers share its
 * promise instead of starting their own. Nothing is kept once it settles, so this is not a cache.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const current = this.inFlight.get(key);
    if (current) return current;
    const started = Promise.resolve()
      .then(work)
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
